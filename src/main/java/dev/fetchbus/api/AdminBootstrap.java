package dev.fetchbus.api;

import dev.fetchbus.store.UserTable;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure someone can log in. With {@code FETCHBUS_ADMIN_KEY} set, the user {@code admin}
 * gets that key. Otherwise, on the first start only, a key is generated and printed once.
 */
public final class AdminBootstrap {
  private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
  private static final String ADMIN = "admin";

  private AdminBootstrap() {}

  public static Future<Void> ensure(UserTable users, String configuredKey) {
    if (configuredKey != null && !configuredKey.isBlank()) {
      return users.upsertAdmin(ADMIN, Auth.hash(configuredKey.strip()))
          .onSuccess(v -> log.info("Admin key taken from configuration (FETCHBUS_ADMIN_KEY)"));
    }
    return users.adminExists().compose(exists -> {
      if (exists) {
        return Future.succeededFuture();
      }
      // several API instances (or nodes) may race here: only the one whose insert lands prints its key
      String key = Auth.newKey();
      return users.insertAdminIfAbsent(ADMIN, Auth.hash(key)).compose(inserted -> {
        if (inserted) {
          announce(key);
        }
        return Future.succeededFuture();
      });
    });
  }

  private static void announce(String key) {
    String banner = "\n=== fetchbus: first start. The admin API key is shown once; keep it ===\n"
        + "    " + key + "\n"
        + "=== (set FETCHBUS_ADMIN_KEY to choose your own) ===\n";
    System.out.println(banner);
    log.warn("Generated the admin API key and printed it to standard output once");
  }
}
