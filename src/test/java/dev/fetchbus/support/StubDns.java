package dev.fetchbus.support;

import dev.fetchbus.fetch.HostResolver;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A DNS of the test's own, for {@link HostResolver#useLookup}: a name answers with the addresses
 * planted for it, and {@link #answer} may change them between two lookups (DNS rebinding). A name
 * nobody planted fails as an unknown host and is remembered, so a test can check that its node
 * asked for nothing else. Addresses are built from IP literals or bytes, so nothing here ever
 * queries the system's resolver.
 */
public final class StubDns implements HostResolver.Lookup {
  /** What {@link InetAddress#getByName} parses without a lookup; anything else is refused here. */
  private static final Pattern LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
  private final Map<String, List<InetAddress>> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
  private final Set<String> unknown = ConcurrentHashMap.newKeySet();

  /** Plants (or replaces) the answer for {@code name}: IP literals, in the order given. */
  public StubDns answer(String name, String... literals) {
    List<InetAddress> addresses = new ArrayList<>();
    for (String literal : literals) {
      addresses.add(ip(literal));
    }
    return answer(name, addresses.toArray(InetAddress[]::new));
  }

  /** Plants (or replaces) the answer for {@code name}: addresses as a resolver would return them. */
  public StubDns answer(String name, InetAddress... addresses) {
    answers.put(key(name), List.of(addresses));
    return this;
  }

  /** How many times the node (or anyone using this lookup) asked for {@code name}. */
  public int lookups(String name) {
    AtomicInteger count = lookups.get(key(name));
    return count == null ? 0 : count.get();
  }

  /** Names that were asked for but never planted. */
  public Set<String> unknownNames() {
    return Set.copyOf(unknown);
  }

  @Override
  public List<InetAddress> addresses(String host) throws UnknownHostException {
    String name = key(host);
    lookups.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    InetAddress literal = javaIpv4Literal(host);
    if (literal != null) {
      return List.of(literal); // what the JDK's resolver, which this replaces, answers without a lookup
    }
    List<InetAddress> planted = answers.get(name);
    if (planted == null || planted.isEmpty()) {
      unknown.add(name);
      throw new UnknownHostException(host + " (not planted in the test's DNS)");
    }
    return planted;
  }

  /**
   * The address the JDK's resolver reads {@code host} as, without a lookup, when it is an IPv4 literal
   * in Java's sense: one to four decimal parts ({@code a}, {@code a.b}, {@code a.b.c}, {@code a.b.c.d}),
   * the last filling the bytes left, leading zeros still decimal ({@code 0177} is 177). Null for a name.
   */
  public static InetAddress javaIpv4Literal(String host) {
    if (!host.matches("[0-9]{1,10}(\\.[0-9]{1,10}){0,3}")) {
      return null;
    }
    String[] parts = host.split("\\.");
    long address = 0;
    for (int i = 0; i < parts.length; i++) {
      long value = Long.parseLong(parts[i]);
      boolean last = i == parts.length - 1;
      long max = last ? (1L << (8 * (4 - i))) - 1 : 255;
      if (value > max) {
        return null;
      }
      address = last ? address | value : address | value << (8 * (3 - i));
    }
    try {
      return InetAddress.getByAddress(new byte[] {(byte) (address >> 24), (byte) (address >> 16), (byte) (address >> 8),
          (byte) address});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An IP literal as an address, refusing anything that {@link InetAddress#getByName} would look up. */
  public static InetAddress ip(String literal) {
    if (!LITERAL.matcher(literal).matches()) {
      throw new IllegalArgumentException("Not an IP literal: " + literal);
    }
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * An IPv4-mapped IPv6 address that stays an {@link Inet6Address} ({@code ::ffff:a.b.c.d}), as some
   * resolvers return: {@link InetAddress#getByName} would turn it into the IPv4 address.
   */
  public static InetAddress mapped(String ipv4) {
    byte[] v4 = ip(ipv4).getAddress();
    byte[] v6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, v4[0], v4[1], v4[2], v4[3]};
    try {
      return Inet6Address.getByAddress(null, v6, -1);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** An IPv6 address with a scope (zone) id, as a resolver returns a link-local answer. */
  public static InetAddress scoped(String ipv6, int scopeId) {
    try {
      return Inet6Address.getByAddress(null, ip(ipv6).getAddress(), scopeId);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String key(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
