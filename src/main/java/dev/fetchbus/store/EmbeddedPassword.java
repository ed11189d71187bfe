package dev.fetchbus.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The embedded PostgreSQL's superuser password. initdb sets up {@code trust} for every local
 * connection, so any process on the machine could connect as superuser, read the key hashes and run
 * {@code COPY ... PROGRAM}. On its first start a random password is generated, set with
 * scram-sha-256, kept in the data directory with mode 0600, and {@code pg_hba.conf} is switched
 * from {@code trust} to {@code scram-sha-256}. Later starts read the password back.
 */
final class EmbeddedPassword {
  static final String FILE = "fetchbus-password";
  private static final Pattern TRUST = Pattern.compile("\\btrust\\s*$");

  private EmbeddedPassword() {}

  /** The password kept beside the data (generated when there is none yet: first start). */
  static String read(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the embedded database's password in " + file, e);
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /** Sets the password, keeps it (0600) and requires it from every connection, once; a no-op later. */
  static void enforce(Path dataDir, String password, DataSource superuser) {
    Path hba = dataDir.resolve("pg_hba.conf");
    try {
      List<String> lines = Files.readAllLines(hba, StandardCharsets.UTF_8);
      boolean trusting = lines.stream().anyMatch(l -> !l.strip().startsWith("#") && TRUST.matcher(l).find());
      Path file = dataDir.resolve(FILE);
      if (!trusting && Files.exists(file)) {
        return;
      }
      try (Connection conn = superuser.getConnection(); Statement st = conn.createStatement()) {
        st.execute("set password_encryption = 'scram-sha-256'");
        st.execute("alter user postgres password '" + password.replace("'", "''") + "'");
        Files.writeString(file, password, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.write(hba, lines.stream().map(l -> l.strip().startsWith("#") ? l
            : TRUST.matcher(l).replaceAll("scram-sha-256")).toList(), StandardCharsets.UTF_8);
        st.execute("select pg_reload_conf()");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot secure the embedded database in " + dataDir, e);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot set the embedded database's password: " + e.getMessage(), e);
    }
  }
}
