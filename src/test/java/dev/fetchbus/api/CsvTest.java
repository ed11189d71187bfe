package dev.fetchbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CSV cells: RFC 4180 quoting, and no formulas from fetched sites")
class CsvTest {
  @Test
  @DisplayName("commas, quotes and line breaks are quoted, quotes doubled")
  void quoting() {
    assertThat(Csv.escape("plain")).isEqualTo("plain");
    assertThat(Csv.escape("a,b")).isEqualTo("\"a,b\"");
    assertThat(Csv.escape("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(Csv.escape("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(Csv.escape(null)).isEmpty();
  }

  @Test
  @DisplayName("text starting with = + - @, a tab or a CR is prefixed with a quote; numbers are not")
  void formulaInjection() {
    assertThat(Csv.escape("=HYPERLINK(\"http://evil\",\"x\")"))
        .isEqualTo("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"");
    assertThat(Csv.escape("+1+2")).isEqualTo("'+1+2");
    assertThat(Csv.escape("-2+3")).isEqualTo("'-2+3");
    assertThat(Csv.escape("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(Csv.escape("\tcmd")).isEqualTo("'\tcmd");
    assertThat(Csv.escape("\rcmd")).isEqualTo("\"'\rcmd\"");
    assertThat(Csv.escape(-5)).isEqualTo("-5");
    assertThat(Csv.escape("a=b")).isEqualTo("a=b");
  }
}
