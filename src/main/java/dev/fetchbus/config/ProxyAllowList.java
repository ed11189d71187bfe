package dev.fetchbus.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * The operator's list of proxies a job may name ({@code fetch.allowProxies}): entries are
 * {@code host:port} (matched exactly, names included) or a CIDR network such as {@code 10.8.0.0/16}
 * (matching proxies given as IP literals in it, on any port). Proxy names are never resolved here:
 * a name only matches a {@code host:port} entry that spells it.
 */
public final class ProxyAllowList {
  private static final String IPV4 = "\\d{1,3}(\\.\\d{1,3}){3}";
  private static final String IPV6 = "[0-9a-fA-F:.]*:[0-9a-fA-F:.]*";
  private final List<String> entries;

  public ProxyAllowList(List<String> entries) {
    this.entries = entries.stream().map(e -> e.strip().toLowerCase(Locale.ROOT)).filter(e -> !e.isEmpty()).toList();
    for (String entry : this.entries) {
      if (!entry.contains("/") && !entry.matches(".+:\\d{1,5}")) {
        throw new IllegalArgumentException("fetch.allowProxies entries are host:port or CIDR, got '" + entry + "'");
      }
      if (entry.contains("/")) {
        network(entry); // fails early on a malformed network
      }
    }
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public boolean allows(ProxyUrl proxy) {
    String address = proxy.address();
    InetAddress literal = literal(proxy.host());
    for (String entry : entries) {
      if (entry.contains("/") ? literal != null && contains(entry, literal) : entry.equals(address)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(String cidr, InetAddress address) {
    byte[] net = network(cidr);
    int prefix = Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    byte[] candidate = address.getAddress();
    if (candidate.length != net.length) {
      return false;
    }
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((candidate[bit / 8] & mask) != (net[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] network(String cidr) {
    String[] parts = cidr.split("/", 2);
    InetAddress address = literal(parts[0]);
    if (address == null || !parts[1].matches("\\d{1,3}")
        || Integer.parseInt(parts[1]) > address.getAddress().length * 8) {
      throw new IllegalArgumentException("fetch.allowProxies: not a CIDR network: '" + cidr + "'");
    }
    return address.getAddress();
  }

  /** The address of an IP literal, or null for a name (which is never looked up). */
  private static InetAddress literal(String host) {
    if (!host.matches(IPV4) && !host.matches(IPV6)) {
      return null;
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
