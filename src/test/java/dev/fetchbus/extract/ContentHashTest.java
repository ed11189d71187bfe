package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContentHashTest {

  @Test
  void givesTheSha256OfTheBytes() throws Exception {
    assertThat(ContentHash.sha256("abc".getBytes()))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(ContentHash.sha256(new byte[0]))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Random random = new Random(7);
    for (int size : new int[] {1, 63, 64, 65, 16_384, 1_000_003}) {
      byte[] body = new byte[size];
      random.nextBytes(body);
      String jdk = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256", "SUN").digest(body));
      assertThat(ContentHash.sha256(body)).as("%d bytes", size).isEqualTo(jdk);
      assertThat(ContentHash.sha256(body)).as("the digest resets between bodies").isEqualTo(jdk);
    }
  }

  @Test
  void isNativeWhereTheProviderShipsALibrary() {
    boolean shipped =
        System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64");
    if (shipped) {
      assertThat(ContentHash.provider()).isEqualTo("AmazonCorrettoCryptoProvider");
    } else {
      assertThat(ContentHash.provider()).isIn("AmazonCorrettoCryptoProvider", "SUN");
    }
  }
}
