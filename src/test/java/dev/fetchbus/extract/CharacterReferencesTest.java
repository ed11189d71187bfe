package dev.fetchbus.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Character references: decoded as jsoup decodes them, without a parser for the common ones")
class CharacterReferencesTest {
  private static final List<String> CASES = List.of(
      "String (Java SE 17 &amp; JDK 17)", "a &lt;b&gt; &quot;c&quot; &apos;d&apos;&nbsp;e", "no references",
      "&#65;&#x42;&#X43;&#0000068;", "&#128512; &#x1F600;", "&", "a & b", "&amp", "&amp x;", "&ampx;",
      "&AMP;", "&copy;", "&copy", "&notin;", "&notit;", "?a=1&b=2", "?a=1&amp;b=2", "?x=1&copy=2", "&#;",
      "&#x;", "&#0;", "&#128;", "&#x9F;", "&#xD800;", "&#x110000;", "&#99999999;", "&#65 &amp;",
      "&#\u0661\u0662;", "&#xFFFE;", "&#13;", "&;", "&amp;&amp;&amp;", "end &amp;", "&lt", "&lt=",
      "&eacute;t&eacute;", "&#x41 ;");

  @Test
  @DisplayName("hand-picked references, in text and in attributes, come out exactly as jsoup's")
  void sameAsJsoup() {
    for (String raw : CASES) {
      assertThat(CharacterReferences.decode(raw, false)).as("text: %s", raw)
          .isEqualTo(Parser.unescapeEntities(raw, false));
      assertThat(CharacterReferences.decode(raw, true)).as("attribute: %s", raw)
          .isEqualTo(Parser.unescapeEntities(raw, true));
    }
  }

  @Test
  @DisplayName("20,000 generated strings of references and near-references agree with jsoup")
  void generatedAgreeWithJsoup() {
    String[] pieces = {"&", ";", "#", "x", "X", "amp", "lt", "gt", "quot", "apos", "nbsp", "copy", "AMP", "0", "9",
        "65", "1F600", "80", "D800", "a", "=", " ", "é", "\u0661", "110000"};
    Random random = new Random(11);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder raw = new StringBuilder();
      int parts = 1 + random.nextInt(8);
      for (int p = 0; p < parts; p++) {
        raw.append(pieces[random.nextInt(pieces.length)]);
      }
      String s = raw.toString();
      boolean attribute = random.nextBoolean();
      assertThat(CharacterReferences.decode(s, attribute)).as("%s (attribute: %s)", s, attribute)
          .isEqualTo(Parser.unescapeEntities(s, attribute));
    }
  }

  @Test
  @DisplayName("a string without '&' is returned as it is")
  void nothingToDo() {
    String raw = "plain title";
    assertThat(CharacterReferences.decode(raw, false)).isSameAs(raw);
  }
}
