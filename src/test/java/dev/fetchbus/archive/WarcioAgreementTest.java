package dev.fetchbus.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fetchbus.support.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDXJ lines agree with what Webrecorder's warcio.js builds from the same file. Needs the
 * {@code warcio} command ({@code npm install -g warcio}); without it these tests are skipped.
 */
class WarcioAgreementTest {
  @TempDir Path dir;

  @Test
  void cdxLinesEqualWarcioCdxIndex() throws Exception {
    Optional<Path> warcio = ExternalTools.warcio();
    assumeTrue(warcio.isPresent(), "warcio.js not found on PATH (npm install -g warcio): skipping the CDXJ comparison");
    WarcStream stream = ArchiveFixtures.stream();
    Path file = WarcStreamTest.writeFixtureWarc(dir, stream);

    // run in the file's directory with its bare name: warcio's filename field is the name as given
    Tools.Result result = ExternalTools.run(dir, List.of(warcio.get().toString(), "cdx-index",
        file.getFileName().toString()));
    assertThat(result.exit()).as("warcio stderr: %s", result.err()).isZero();
    assertThat(result.err()).as("warcio warnings").isBlank();
    List<String> theirs = new ArrayList<>(Arrays.asList(result.out().split("\n")));
    theirs.removeIf(String::isEmpty);
    theirs.sort(Cdxj.ORDER); // warcio writes file order; a CDXJ file is sorted

    assertThat(stream.cdxLines()).hasSize(13).containsExactlyElementsOf(theirs);
  }

  @Test
  void surtKeysEqualWarcioGetSurt() throws Exception {
    Optional<Path> library = ExternalTools.warcioLibrary();
    assumeTrue(library.isPresent(),
        "warcio.js not found on PATH (npm install -g warcio): skipping the SURT comparison");
    List<String> urls = List.of(
        "https://example.com", "http://Example.COM:80/A/B?Z=1&a=2", "https://www.example.com:8443/x",
        "http://WWW.example.com/upper-www", "https://www12.example.com/", "http://wwwx.example.com/",
        "https://example.com/a/./b/../c/", "https://example.com/a/..", "https://example.com/?",
        "https://example.com/?b&a&c=",
        "https://example.com/p?q='x'#frag", "https://user:pw@example.com/", "http://127.0.0.1:8080/x",
        "http://[::1]:8080/x", "https://example.com./trailing-dot", "https://bücher.example/straße?q=ü",
        "https://example.com/%7Efoo/%41?%E2%82%AC=1", "ftp://example.com/file", "https://my_host.example.com/");
    StringBuilder script = new StringBuilder("const {getSurt} = require(process.argv[1]);\n")
        .append("for (const u of process.argv.slice(2)) console.log(getSurt(u));\n");
    List<String> command = new ArrayList<>(List.of("node", "-e", script.toString(), library.get().toString()));
    List<String> ascii = urls.stream().map(TargetUri::toAscii).toList();
    command.addAll(ascii);
    Tools.Result result = ExternalTools.run(dir, command);
    assertThat(result.exit()).as("node stderr: %s", result.err()).isZero();

    List<String> ours = ascii.stream().map(Surt::key).toList();
    assertThat(ours).containsExactlyElementsOf(Arrays.asList(result.out().split("\n")));
  }
}
