package dev.fetchbus.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.stream.Stream;

/**
 * Refuses to fetch from addresses that are not on the public internet (loopback, private,
 * link-local, carrier-grade NAT, multicast, reserved, unique-local IPv6...), unless an operator
 * allowed them with {@code fetch.allowNetworks}. It judges resolved addresses, never names, and
 * the fetcher connects to the address it judged, so DNS rebinding cannot slip past it.
 */
public final class NetworkGuard {
  private static final List<Cidr> NON_PUBLIC = Stream.of(
      "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
      "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
      "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
      "::/128", "::1/128", "64:ff9b::/96", "100::/64", "2001:db8::/32", "2001::/23",
      "fc00::/7", "fe80::/10", "ff00::/8").map(Cidr::parse).toList();

  private final List<Cidr> allowed;

  public NetworkGuard(List<String> allowNetworks) {
    this.allowed = allowNetworks.stream().map(Cidr::parse).toList();
  }

  public boolean permits(InetAddress address) {
    InetAddress effective = unmapped(address);
    if (allowed.stream().anyMatch(c -> c.contains(effective))) {
      return true;
    }
    InetAddress embedded = embeddedIpv4(effective);
    if (embedded != null && !permits(embedded)) {
      return false; // an IPv6 form that carries a non-public IPv4 address is judged by it
    }
    return NON_PUBLIC.stream().noneMatch(c -> c.contains(effective));
  }

  /**
   * The IPv4 address an IPv6 address carries, for the forms that route to it: IPv4-compatible
   * ({@code ::a.b.c.d}), SIIT ({@code ::ffff:0:a.b.c.d}), 6to4 ({@code 2002:AABB:CCDD::}) and NAT64
   * ({@code 64:ff9b::/96}, local-use {@code 64:ff9b:1::/48}); null for any other address.
   */
  static InetAddress embeddedIpv4(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length != 16) {
      return null;
    }
    int from;
    if (zero(b, 0, 12) || (zero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && zero(b, 10, 12))) {
      from = 12;
    } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      from = 2;
    } else if (b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
        && (zero(b, 4, 12) || (b[4] == 0 && b[5] == 1))) {
      from = 12;
    } else {
      return null;
    }
    try {
      return InetAddress.getByAddress(new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]});
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** The first permitted address, or a {@code blocked} failure naming what the host resolved to. */
  public InetAddress choose(String host, List<InetAddress> resolved) {
    for (InetAddress address : resolved) {
      if (permits(address)) {
        return address;
      }
    }
    throw new FetchFailure(FetchError.BLOCKED, host + " resolves to " + resolved.get(0).getHostAddress()
        + ", which is not a public address (allow it with FETCHBUS_FETCH_ALLOW_NETWORKS)");
  }

  /** IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are judged as the IPv4 address they carry. */
  private static InetAddress unmapped(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length != 16) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return address;
      }
    }
    if ((b[10] & 0xFF) != 0xFF || (b[11] & 0xFF) != 0xFF) {
      return address;
    }
    try {
      return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
    } catch (UnknownHostException e) {
      return address;
    }
  }
}
