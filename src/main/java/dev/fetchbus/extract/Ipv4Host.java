package dev.fetchbus.extract;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;

/**
 * IPv4 hosts as browsers read them (the WHATWG URL standard's IPv4 parser): a host whose last label
 * is a number is an address, each part decimal, octal with a leading 0, or hex with 0x, and the
 * last part fills the bytes left ({@code 0177.0.0.1}, {@code 0x7f.1} and {@code 2130706433} are all
 * 127.0.0.1). Java's URL classes read such hosts differently (177.0.0.1, or a name to look up), so
 * they are rewritten to the dotted-decimal address a browser would connect to before anything
 * else judges them.
 */
final class Ipv4Host {
  private Ipv4Host() {}

  /** The result for a host: not an IPv4 form (empty), the canonical address, or invalid (null inside). */
  sealed interface Parsed permits NotIpv4, Address, Invalid {}

  record NotIpv4() implements Parsed {}

  record Address(String dotted) implements Parsed {}

  record Invalid(String reason) implements Parsed {}

  static Parsed parse(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (h.isEmpty() || h.startsWith("[")) {
      return new NotIpv4();
    }
    String[] parts = h.split("\\.", -1);
    String lastPart = parts[parts.length - 1];
    if (!lastPart.chars().allMatch(c -> c >= '0' && c <= '9') || lastPart.isEmpty()) {
      if (number(lastPart).isEmpty()) {
        return new NotIpv4(); // a name: its last label is not a number
      }
    }
    if (parts.length > 4) {
      return new Invalid("an IPv4 host with more than four parts");
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Optional<BigInteger> value = number(parts[i]);
      if (value.isEmpty()) {
        return new Invalid("an IPv4 host with a part that is not a number: '" + parts[i] + "'");
      }
      if (value.get().bitLength() > 32) {
        return new Invalid("an IPv4 host part out of range: '" + parts[i] + "'");
      }
      values[i] = value.get().longValue();
    }
    for (int i = 0; i < values.length - 1; i++) {
      if (values[i] > 255) {
        return new Invalid("an IPv4 host part over 255: '" + parts[i] + "'");
      }
    }
    long last = values[values.length - 1];
    if (last >= 1L << (8 * (5 - values.length))) {
      return new Invalid("an IPv4 host whose last part is too large: '" + parts[parts.length - 1] + "'");
    }
    long address = last;
    for (int i = 0; i < values.length - 1; i++) {
      address += values[i] << (8 * (3 - i));
    }
    return new Address((address >> 24 & 0xff) + "." + (address >> 16 & 0xff) + "." + (address >> 8 & 0xff) + "."
        + (address & 0xff));
  }

  /** A part as the standard reads numbers: 0x… hex, 0… octal, else decimal; empty when not a number. */
  private static Optional<BigInteger> number(String part) {
    String p = part.toLowerCase(Locale.ROOT);
    int radix = 10;
    if (p.startsWith("0x")) {
      p = p.substring(2);
      radix = 16;
      if (p.isEmpty()) {
        return Optional.of(BigInteger.ZERO);
      }
    } else if (p.length() > 1 && p.startsWith("0")) {
      p = p.substring(1);
      radix = 8;
    }
    if (p.isEmpty()) {
      return Optional.empty();
    }
    for (int i = 0; i < p.length(); i++) {
      // ASCII digits only: Character.digit also takes full-width and other scripts' digits, which
      // would read '０１７７' (0177 to a browser, 127) as decimal 177
      char c = p.charAt(i);
      if (c >= 0x80 || Character.digit(c, radix) < 0) {
        return Optional.empty();
      }
    }
    // leading zeros do not count (0x00…007f is 0x7f); past 40 digits a part is out of range whatever
    // its value, and BigInteger never reads more than that
    int first = 0;
    while (first < p.length() - 1 && p.charAt(first) == '0') {
      first++;
    }
    String significant = p.substring(first);
    return Optional.of(significant.length() > 40 ? BigInteger.ONE.shiftLeft(64) : new BigInteger(significant, radix));
  }
}
