package dev.fetchbus.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Headers as the database keeps them: the same JSON Jackson writes, and back")
class HeaderTest {

  @Test
  @DisplayName("quotes, backslashes, control characters and any Unicode are written as Jackson writes them")
  void sameAsJackson() {
    Random random = new Random(11);
    String tricky = "\"\\/\b\f\n\r\t\u0000\u0001\u001f\u007f é€😀 \u2028";
    for (int round = 0; round < 2_000; round++) {
      List<Header> headers = new ArrayList<>();
      int count = random.nextInt(6);
      for (int i = 0; i < count; i++) {
        String value = random.nextInt(20) == 0 ? null : randomText(random, tricky);
        headers.add(new Header(randomText(random, tricky), value));
      }
      String written = Header.toJson(headers);
      assertThat(written).isEqualTo(jackson(headers));
      assertThat(Header.fromJson(written)).isEqualTo(headers);
    }
    assertThat(Header.toJson(null)).isNull();
    assertThat(Header.toJson(List.of())).isEqualTo("[]");
    assertThat(Header.toJson(List.of(new Header("Content-Type", "text/html"), new Header("Set-Cookie", "a=\"b\""))))
        .isEqualTo("[[\"Content-Type\",\"text/html\"],[\"Set-Cookie\",\"a=\\\"b\\\"\"]]");
  }

  private static String jackson(List<Header> headers) {
    JsonArray json = new JsonArray();
    headers.forEach(h -> json.add(new JsonArray().add(h.name()).add(h.value())));
    return json.encode();
  }

  private static String randomText(Random random, String tricky) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(40);
    for (int i = 0; i < length; i++) {
      text.append(random.nextInt(4) == 0 ? tricky.charAt(random.nextInt(tricky.length()))
          : (char) (' ' + random.nextInt(95)));
    }
    return text.toString();
  }
}
