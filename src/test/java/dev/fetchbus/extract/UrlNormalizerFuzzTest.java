package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fuzzes {@link UrlNormalizer#normalize} and {@link Ipv4Host#parse} (issue #11). Without
 * {@code JAZZER_FUZZ} (every {@code mvn test}) this runs once per file of the seed corpus in
 * {@code src/test/resources/dev/fetchbus/extract/UrlNormalizerFuzzTestInputs/normalize/}, each file
 * one input as UTF-8; with {@code JAZZER_FUZZ=1} Jazzer mutates those for {@code maxDuration}
 * (scripts/test), and a failing input is written to that directory to stay a regression test.
 *
 * <p>Checked for every input, not only "does not crash": the normaliser answers, it never throws
 * (a rejection is a {@link UrlNormalizer.Rejected} with a reason); what it accepts is an absolute
 * http(s) URL of printable ASCII, at most {@link UrlNormalizer#MAX_LENGTH} long, without fragment,
 * user info, zone id, default or out-of-range port,
 * whose host is lower-case and never an IPv4 spelling other than dotted decimal; normalising it again
 * changes nothing (the frontier dedupes on it, and the synchronous fetch casts its re-normalisation to
 * Accepted); and {@link Ipv4Host} reads a host as the WHATWG URL standard's IPv4 parser does
 * ({@link #whatwgIpv4}, a plain transcription of the standard's steps).
 */
class UrlNormalizerFuzzTest {

  @FuzzTest(maxDuration = "20s")
  void normalize(byte[] input) {
    String raw = new String(input, StandardCharsets.UTF_8);
    checkNormalized(raw);
    checkIpv4(raw);
    // the same text as the host of a URL: reaches the IPv4 rewrite without a scheme to find first
    if (raw.indexOf('/') < 0 && raw.indexOf('?') < 0 && raw.indexOf('#') < 0 && raw.indexOf('\\') < 0) {
      checkNormalized("http://" + raw + "/");
    }
  }

  private static void checkNormalized(String raw) {
    UrlNormalizer.Result result;
    try {
      result = UrlNormalizer.normalize(raw);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("normalize threw instead of rejecting " + quote(raw), e);
    }
    assertThat(result).as("result for %s", quote(raw)).isNotNull();
    if (result instanceof UrlNormalizer.Rejected rejected) {
      assertThat(rejected.reason()).as("reason for %s", quote(raw)).isNotBlank();
      return;
    }
    UrlNormalizer.Accepted ok = (UrlNormalizer.Accepted) result;
    String url = ok.url();
    String context = quote(raw) + " -> " + quote(url);

    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        fail("accepted URL has a character that is not printable ASCII (U+%04X at %d): %s", (int) c, i, context);
      }
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new AssertionError("accepted URL is not a URI: " + context, e);
    }
    assertThat(uri.isAbsolute()).as("absolute: %s", context).isTrue();
    assertThat(uri.getScheme()).as("scheme: %s", context).isIn("http", "https");
    assertThat(url.indexOf('#')).as("no fragment: %s", context).isNegative();
    assertThat(uri.getRawUserInfo()).as("no user info: %s", context).isNull();
    String host = uri.getHost();
    assertThat(host).as("host: %s", context).isNotEmpty();
    assertThat(ok.host()).as("host field: %s", context).isEqualTo(host.toLowerCase(Locale.ROOT));
    assertThat(host).as("host is lower-case: %s", context).isEqualTo(host.toLowerCase(Locale.ROOT));
    assertThat(host.indexOf('%')).as("no zone id or escape in the host: %s", context).isNegative();
    int port = uri.getPort();
    assertThat(port == -1 || (port >= 1 && port <= 65535)).as("port in range: %s", context).isTrue();
    int defaultPort = uri.getScheme().equals("http") ? 80 : 443;
    assertThat(port).as("default port dropped: %s", context).isNotEqualTo(defaultPort);
    assertThat(uri.getRawPath()).as("path starts with /: %s", context).startsWith("/");
    if (url.length() > UrlNormalizer.MAX_LENGTH) {
      fail("accepted URL of %d characters, over the %d that normalize accepts: %s", url.length(),
          UrlNormalizer.MAX_LENGTH, context);
    }

    if (!host.startsWith("[")) {
      // what a browser would make of the stored host: a name, or this very dotted-decimal address
      Expected asIpv4 = whatwgIpv4(host);
      assertThat(asIpv4.kind == Kind.NOT_IPV4 || (asIpv4.kind == Kind.ADDRESS && host.equals(asIpv4.dotted)))
          .as("host is a name or dotted decimal, not another IPv4 spelling (WHATWG: %s): %s", asIpv4, context)
          .isTrue();
    }

    String origin = UrlNormalizer.origin(url);
    assertThat(url.startsWith(origin)).as("origin %s is a prefix: %s", origin, context).isTrue();
    assertThat(origin).as("origin: %s", context).isEqualTo(uri.getScheme() + "://" + uri.getRawAuthority());

    UrlNormalizer.Result again = UrlNormalizer.normalize(url);
    if (!again.equals(ok)) {
      fail("not idempotent: %s, normalised again -> %s", context,
          again instanceof UrlNormalizer.Accepted a ? quote(a.url()) + " " + a.host() : again);
    }
  }

  private static void checkIpv4(String host) {
    Ipv4Host.Parsed actual;
    try {
      actual = Ipv4Host.parse(host);
    } catch (RuntimeException e) {
      throw new AssertionError("Ipv4Host.parse threw for " + quote(host), e);
    }
    if (host.chars().anyMatch(c -> c >= 0x80)) {
      return; // WHATWG maps non-ASCII hosts with IDNA before this parser: no cheap reference
    }
    Expected expected = whatwgIpv4(host);
    String context = quote(host) + " -> " + actual;
    switch (expected.kind) {
      case NOT_IPV4 -> assertThat(actual).as("not an IPv4 form: %s", context).isInstanceOf(Ipv4Host.NotIpv4.class);
      case INVALID -> assertThat(actual).as("an invalid IPv4 form: %s", context).isInstanceOf(Ipv4Host.Invalid.class);
      case ADDRESS -> assertThat(actual).as("the address: %s", context)
          .isEqualTo(new Ipv4Host.Address(expected.dotted));
    }
  }

  private enum Kind { NOT_IPV4, INVALID, ADDRESS }

  private record Expected(Kind kind, String dotted) {}

  /**
   * The WHATWG URL standard's "ends in a number" check and IPv4 parser (ASCII hosts, after the
   * IDNA step), step by step. A host in brackets is IPv6 and never reaches it.
   */
  static Expected whatwgIpv4(String host) {
    if (host.startsWith("[")) {
      return new Expected(Kind.NOT_IPV4, null);
    }
    List<String> parts = new ArrayList<>(List.of(host.split("\\.", -1)));
    // ends in a number
    if (parts.get(parts.size() - 1).isEmpty()) {
      if (parts.size() == 1) {
        return new Expected(Kind.NOT_IPV4, null);
      }
      parts.remove(parts.size() - 1);
    }
    String last = parts.get(parts.size() - 1);
    boolean endsInNumber = (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9'))
        || ipv4Number(last) != null;
    if (!endsInNumber) {
      return new Expected(Kind.NOT_IPV4, null);
    }
    // the IPv4 parser (the trailing empty part is already gone)
    if (parts.size() > 4) {
      return new Expected(Kind.INVALID, null);
    }
    BigInteger[] numbers = new BigInteger[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      numbers[i] = ipv4Number(parts.get(i));
      if (numbers[i] == null) {
        return new Expected(Kind.INVALID, null);
      }
    }
    BigInteger max255 = BigInteger.valueOf(255);
    for (int i = 0; i < numbers.length - 1; i++) {
      if (numbers[i].compareTo(max255) > 0) {
        return new Expected(Kind.INVALID, null);
      }
    }
    if (numbers[numbers.length - 1].compareTo(BigInteger.ONE.shiftLeft(8 * (5 - numbers.length))) >= 0) {
      return new Expected(Kind.INVALID, null);
    }
    long address = numbers[numbers.length - 1].longValue();
    for (int i = 0; i < numbers.length - 1; i++) {
      address += numbers[i].longValue() << (8 * (3 - i));
    }
    return new Expected(Kind.ADDRESS,
        (address >> 24 & 0xff) + "." + (address >> 16 & 0xff) + "." + (address >> 8 & 0xff) + "." + (address & 0xff));
  }

  /** The standard's IPv4 number parser: null for failure. */
  private static BigInteger ipv4Number(String input) {
    if (input.isEmpty()) {
      return null;
    }
    int radix = 10;
    String digits = input;
    if (digits.length() >= 2 && (digits.startsWith("0x") || digits.startsWith("0X"))) {
      digits = digits.substring(2);
      radix = 16;
    } else if (digits.length() >= 2 && digits.startsWith("0")) {
      digits = digits.substring(1);
      radix = 8;
    }
    if (digits.isEmpty()) {
      return BigInteger.ZERO;
    }
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      boolean ok = switch (radix) {
        case 8 -> c >= '0' && c <= '7';
        case 10 -> c >= '0' && c <= '9';
        default -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      };
      if (!ok) {
        return null;
      }
    }
    return new BigInteger(digits, radix);
  }

  /** The input as a Java string literal, escapes for anything not printable ASCII. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    int limit = Math.min(s.length(), 160);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.append(s.length() > limit ? "\"... (" + s.length() + " chars)" : "\"").toString();
  }
}
