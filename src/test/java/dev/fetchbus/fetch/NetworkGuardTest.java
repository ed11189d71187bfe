package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The network guard")
class NetworkGuardTest {
  private final NetworkGuard strict = new NetworkGuard(List.of());

  @ParameterizedTest(name = "blocks {0}")
  @ValueSource(strings = {
      "127.0.0.1", "127.255.255.254", "0.0.0.0", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255",
      "192.168.0.1", "192.168.255.255", "169.254.169.254", "100.64.0.1", "100.127.255.255", "224.0.0.1",
      "255.255.255.255", "240.0.0.1", "192.0.2.10", "198.18.0.1",
      "::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "ff02::1", "2001:db8::1", "64:ff9b::7f00:1",
      "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
      // IPv6 forms that carry a non-public IPv4 address: IPv4-compatible, SIIT, 6to4, NAT64 (local-use too)
      "::127.0.0.1", "::10.0.0.1", "::ffff:0:127.0.0.1", "::ffff:0:192.168.1.1", "2002:7f00:1::", "2002:c0a8:101::1",
      "2002:a9fe:a9fe::1", "64:ff9b:1::7f00:1", "64:ff9b:1:ffff::a00:1"})
  void blocksNonPublic(String address) throws UnknownHostException {
    assertThat(strict.permits(InetAddress.getByName(address))).isFalse();
  }

  @ParameterizedTest(name = "permits {0}")
  @ValueSource(strings = {
      "8.8.8.8", "1.1.1.1", "9.255.255.255", "11.0.0.1", "172.15.255.255", "172.32.0.1", "192.167.255.255",
      "192.169.0.1", "169.253.255.255", "100.63.255.255", "100.128.0.1", "93.184.216.34",
      "2606:4700:4700::1111", "2a00:1450:4001::1", "fe00::1", "fec0::1", "::ffff:8.8.8.8",
      "2002:808:808::1", "::ffff:0:8.8.8.8"})
  void permitsPublic(String address) throws UnknownHostException {
    assertThat(strict.permits(InetAddress.getByName(address))).isTrue();
  }

  @Test
  @DisplayName("judges an IPv4-mapped IPv6 address that stays IPv6 as the IPv4 address it carries")
  void mappedAddressKeptAsIpv6() throws UnknownHostException {
    // InetAddress.getByName turns ::ffff:a.b.c.d into an Inet4Address; this keeps all 16 bytes
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 127, 0, 0, 1};
    InetAddress loopback = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(loopback).isInstanceOf(Inet6Address.class);
    assertThat(strict.permits(loopback)).isFalse();

    byte[] mappedPublic = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 8, 8, 8, 8};
    assertThat(strict.permits(Inet6Address.getByAddress(null, mappedPublic, -1))).isTrue();

    NetworkGuard loopbackAllowed = new NetworkGuard(List.of("127.0.0.0/8"));
    assertThat(loopbackAllowed.permits(loopback)).isTrue();
  }

  @Test
  @DisplayName("allowNetworks lets 127.0.0.0/8 through and nothing else that is non-public")
  void allowNetworks() throws UnknownHostException {
    NetworkGuard guard = new NetworkGuard(List.of("127.0.0.0/8"));
    assertThat(guard.permits(InetAddress.getByName("127.0.0.1"))).isTrue();
    assertThat(guard.permits(InetAddress.getByName("127.10.20.30"))).isTrue();
    assertThat(guard.permits(InetAddress.getByName("10.0.0.1"))).isFalse();
    assertThat(guard.permits(InetAddress.getByName("192.168.1.1"))).isFalse();
    assertThat(guard.permits(InetAddress.getByName("::1"))).isFalse();
    assertThat(guard.permits(InetAddress.getByName("8.8.8.8"))).isTrue();
  }

  @Test
  @DisplayName("allowNetworks takes several networks, IPv6 ones too")
  void severalAllowedNetworks() throws UnknownHostException {
    NetworkGuard guard = new NetworkGuard(List.of("10.1.0.0/16", "fd00::/8"));
    assertThat(guard.permits(InetAddress.getByName("10.1.2.3"))).isTrue();
    assertThat(guard.permits(InetAddress.getByName("10.2.0.1"))).isFalse();
    assertThat(guard.permits(InetAddress.getByName("fd00::5"))).isTrue();
    assertThat(guard.permits(InetAddress.getByName("fc00::5"))).isFalse();
  }

  @Test
  @DisplayName("a malformed allowNetworks entry is refused when the guard is built")
  void malformedAllowNetwork() {
    assertThatThrownBy(() -> new NetworkGuard(List.of("127.0.0.0/40"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("choose picks the first permitted address of a host, skipping blocked ones")
  void choosePicksPermitted() throws UnknownHostException {
    InetAddress internal = InetAddress.getByName("10.0.0.5");
    InetAddress external = InetAddress.getByName("93.184.216.34");
    assertThat(strict.choose("mixed.example", List.of(internal, external))).isEqualTo(external);
  }

  @Test
  @DisplayName("choose fails with a blocked failure naming the host and the address when none is permitted")
  void chooseBlocked() throws UnknownHostException {
    List<InetAddress> resolved = List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"));
    assertThatThrownBy(() -> strict.choose("internal.example", resolved))
        .isInstanceOfSatisfying(FetchFailure.class, f -> assertThat(f.type()).isEqualTo(FetchError.BLOCKED))
        .hasMessageContaining("internal.example")
        .hasMessageContaining("127.0.0.1");
  }
}
