package dev.fetchbus.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a callback proves it came from fetchbus: {@code X-Fetchbus-Signature: t=<unix seconds>,v1=<hex>},
 * where the hex is HMAC-SHA256 with the job's callback secret over {@code "<t>.<body>"}. The
 * timestamp in the signed text lets a receiver refuse old deliveries replayed at it.
 */
public final class Signature {
  public static final String HEADER = "X-Fetchbus-Signature";

  private Signature() {}

  public static String header(String secret, long timestampSeconds, String body) {
    return "t=" + timestampSeconds + ",v1=" + hmac(secret, timestampSeconds + "." + body);
  }

  public static String hmac(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
