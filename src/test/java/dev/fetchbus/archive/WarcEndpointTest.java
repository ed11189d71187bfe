package dev.fetchbus.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.Tools;
import dev.fetchbus.support.VersionedSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WARC a node serves for a real crawl, read back by tools nobody here wrote: jwarc's validator
 * and replay server, and warcio.js's indexer, whose CDXJ must equal the node's.
 */
@DisplayName("GET /v1/jobs/{id}/warc and /cdx, checked by jwarc and warcio.js")
class WarcEndpointTest {
  private static VersionedSite site;
  private static TestNode node;
  private static ApiClient user;
  private static long firstCrawl;
  private static long recrawl;
  private static long sameBodies;
  @TempDir
  static Path dir;

  @BeforeAll
  static void crawl() {
    site = new VersionedSite(60);
    node = TestNode.start();
    user = node.newUser("archivist");
    firstCrawl = crawlJob();
    assertThat(user.get("/v1/jobs/" + firstCrawl + "/results").ndjson()).hasSize(60);
    site.change(3);
    recrawl = crawlJob(); // 304s for every page but /p/3: server-not-modified revisits
    List<String> same = IntStream.range(0, 3).mapToObj(i -> site.url("/same/" + i)).toList();
    sameBodies = user.submit(same, "robots=false").getLong("id"); // one payload three times: digest revisits
    user.awaitState(sameBodies, "done", Duration.ofMinutes(1));
  }

  @AfterAll
  static void stop() {
    node.close();
    site.close();
  }

  private static long crawlJob() {
    JsonObject request = new JsonObject().put("kind", "crawl").put("seeds", new JsonArray().add(site.url("/p/0")))
        .put("options", new JsonObject().put("robots", false));
    long id = user.postJson("/v1/jobs", request).json().getLong("id");
    user.awaitState(id, "done", Duration.ofMinutes(2));
    return id;
  }

  private static Path download(long job) throws Exception {
    ApiClient.Bytes warc = user.getBytes("/v1/jobs/" + job + "/warc");
    assertThat(warc.status()).isEqualTo(200);
    assertThat(warc.header("Content-Type")).isEqualTo("application/warc");
    Path file = dir.resolve("fetchbus-job-" + job + ".warc.gz");
    Files.write(file, warc.body());
    return file;
  }

  @Test
  @DisplayName("jwarc's validator passes every record and digest of each job's WARC")
  void validatesWithJwarc() throws Exception {
    for (long job : new long[] {firstCrawl, recrawl, sameBodies}) {
      Path file = download(job);
      Tools.Result result = ExternalTools.run(dir, List.of(ExternalTools.java(), "-jar",
          ExternalTools.jwarcJar().toString(), "validate", "-v", file.toString()));
      assertThat(result.exit()).as("job %d: %s %s", job, result.out(), result.err()).isZero();
      assertThat(result.out() + result.err()).doesNotContainIgnoringCase("fail").contains("payload digest pass");
    }
  }

  @Test
  @DisplayName("the CDXJ the node serves equals the one warcio.js builds from the same file")
  void cdxAgreesWithWarcio() throws Exception {
    Optional<Path> warcio = ExternalTools.warcio();
    assumeTrue(warcio.isPresent(), "warcio.js not found on PATH (npm install -g warcio): skipping");
    for (long job : new long[] {firstCrawl, recrawl, sameBodies}) {
      Path file = download(job);
      Tools.Result result = ExternalTools.run(dir, List.of(warcio.get().toString(), "cdx-index",
          file.getFileName().toString()));
      assertThat(result.exit()).as(result.err()).isZero();
      List<String> theirs = new ArrayList<>(Arrays.asList(result.out().split("\n")));
      theirs.removeIf(String::isEmpty);
      theirs.sort(Cdxj.ORDER);
      List<String> ours = new ArrayList<>(Arrays.asList(user.get("/v1/jobs/" + job + "/cdx").body().split("\n")));
      ours.removeIf(String::isEmpty);
      assertThat(ours).as("job %d", job).isNotEmpty().containsExactlyElementsOf(theirs);
    }
    Tools.Result index = ExternalTools.run(dir, List.of(warcio.get().toString(), "index",
        download(firstCrawl).getFileName().toString()));
    assertThat(index.exit()).as(index.err()).isZero();
    assertThat(index.out().lines().filter(l -> l.contains("\"response\""))).as("warcio index: response records")
        .hasSize(60);
    String recrawlIndex = user.get("/v1/jobs/" + recrawl + "/cdx").body();
    assertThat(recrawlIndex.split("\n")).filteredOn(line -> line.contains("warc/revisit")).hasSize(59);
    String sameIndex = user.get("/v1/jobs/" + sameBodies + "/cdx").body();
    assertThat(sameIndex.split("\n")).filteredOn(line -> line.contains("warc/revisit")).hasSize(2);
  }

  @Test
  @DisplayName("a page replayed from the WARC by jwarc's replay server has the bytes the origin served")
  void replaysOriginalBytes() throws Exception {
    Path file = download(firstCrawl);
    Path log = dir.resolve("serve.log");
    int port = TestNode.freePort();
    ProcessBuilder serve =
        new ProcessBuilder(ExternalTools.java(), "-jar", ExternalTools.jwarcJar().toString(), "serve",
        file.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile());
    serve.environment().put("PORT", String.valueOf(port));
    Process server = serve.start();
    try {
      await().atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(log) && Files.readString(log).contains("Listening"));
      for (String path : List.of("/p/0", "/p/7", "/p/42")) {
        // a connection per request: over a reused one, jwarc's replay server answered 404 now and then
        HttpClient proxied = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", port)))
            .build();
        // an empty body named as such: jwarc's replay server reads a request's body by its Content-Length
        // and drops a request without one, which the JDK's client leaves out of a plain GET in later 17
        // updates (17.0.21 does; 17.0.15 sent "Content-Length: 0")
        HttpResponse<byte[]> replayed = proxied.send(HttpRequest.newBuilder(URI.create(site.url(path)))
            .method("GET", HttpRequest.BodyPublishers.ofByteArray(new byte[0]))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(replayed.statusCode()).as(path).isEqualTo(200);
        assertThat(replayed.body()).as(path).isEqualTo(site.body(path));
      }
    } finally {
      server.destroy();
      server.waitFor();
    }
  }
}
