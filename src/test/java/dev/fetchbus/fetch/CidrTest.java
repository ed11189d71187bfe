package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A CIDR network")
class CidrTest {

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
      "10.0.0.0/8,      10.0.0.0,        true",
      "10.0.0.0/8,      10.255.255.255,  true",
      "10.0.0.0/8,      11.0.0.0,        false",
      "10.0.0.0/8,      9.255.255.255,   false",
      "172.16.0.0/12,   172.16.0.1,      true",
      "172.16.0.0/12,   172.31.255.255,  true",
      "172.16.0.0/12,   172.32.0.0,      false",
      "172.16.0.0/12,   172.15.255.255,  false",
      "100.64.0.0/10,   100.127.255.255, true",
      "100.64.0.0/10,   100.128.0.0,     false",
      "100.64.0.0/10,   100.63.255.255,  false",
      "192.168.1.7/32,  192.168.1.7,     true",
      "192.168.1.7/32,  192.168.1.8,     false",
      "0.0.0.0/0,       203.0.113.9,     true",
      "fc00::/7,        fc00::1,         true",
      "fc00::/7,        fdff:ffff::1,    true",
      "fc00::/7,        fe00::1,         false",
      "fe80::/10,       fe80::1,         true",
      "fe80::/10,       febf:ffff::1,    true",
      "fe80::/10,       fec0::1,         false",
      "::1/128,         ::1,             true",
      "::1/128,         ::2,             false",
      "2001:db8::/32,   2001:db8:ffff::1, true",
      "2001:db8::/32,   2001:db9::1,     false",
  })
  void containment(String network, String address, boolean expected) throws UnknownHostException {
    assertThat(Cidr.parse(network).contains(InetAddress.getByName(address))).isEqualTo(expected);
  }

  @Test
  @DisplayName("an IPv4 network never contains an IPv6 address, and the other way round")
  void familiesDoNotMix() throws UnknownHostException {
    assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("2001:db8::1"))).isFalse();
    assertThat(Cidr.parse("::/0").contains(InetAddress.getByName("10.0.0.1"))).isFalse();
  }

  @Test
  @DisplayName("a bare address is a network of one address")
  void bareAddress() throws UnknownHostException {
    Cidr one = Cidr.parse(" 10.1.2.3 ");
    assertThat(one.prefix()).isEqualTo(32);
    assertThat(one.contains(InetAddress.getByName("10.1.2.3"))).isTrue();
    assertThat(one.contains(InetAddress.getByName("10.1.2.4"))).isFalse();
    assertThat(Cidr.parse("::1").prefix()).isEqualTo(128);
  }

  @ParameterizedTest(name = "''{0}'' is refused")
  @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/-1", "::/129", "10.0.0.0/x", "/8", "", "localhost/8",
      "example.com", "10.0.0.0/8/8", "1.2.3", "10/8", "1.2.3.4.5"})
  void malformed(String text) {
    assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
