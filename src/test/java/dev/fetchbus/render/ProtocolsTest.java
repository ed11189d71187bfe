package dev.fetchbus.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A rendered document's protocol, from Chromium's names to the records'")
class ProtocolsTest {
  @Test
  @DisplayName("h2, http/1.1, http/1.0 and h3 are named as fetched records name them; anything unknown is HTTP/1.1")
  void names() {
    assertThat(Protocols.name("h2")).isEqualTo("HTTP/2");
    assertThat(Protocols.name("http/1.1")).isEqualTo("HTTP/1.1");
    assertThat(Protocols.name("http/1.0")).isEqualTo("HTTP/1.0");
    assertThat(Protocols.name("h3")).isEqualTo("HTTP/3");
    assertThat(Protocols.name(null)).isEqualTo("HTTP/1.1");
    assertThat(Protocols.name("blob")).isEqualTo("HTTP/1.1");
  }
}
