package dev.fetchbus.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.MultiHostOrigin;
import dev.fetchbus.support.NodeProcess;
import dev.fetchbus.support.TestDatabase;
import dev.fetchbus.support.TestNode;
import dev.fetchbus.support.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The live dashboard in a real browser (Debian's headless Chromium, driven through its chromedriver)
 * against a two-node cluster (jar processes clustered over Hazelcast on loopback) while a job runs:
 * it lists both nodes, its figures move, and the job's progress reaches 100 %. Saves the page as
 * docs/img/dashboard.png. Skipped with a message where Chromium is not installed, except in CI.
 */
@DisplayName("The dashboard in headless Chromium, against a two-node cluster during a job")
class DashboardBrowserIT {
  private static final String KEY = "browser-it-admin";
  private static final Path WORK = NodeProcess.jar().getParent().resolve("browser-it");
  private static String database;
  private static MultiHostOrigin origin;
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static int managementPort;
  private static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    Optional<Path> chromium = Tools.wanted("chromium");
    Optional<Path> driver = Tools.wanted("chromedriver");
    Assumptions.assumeTrue(chromium.isPresent() && driver.isPresent(),
        "Chromium or chromedriver is not installed (Debian packages chromium, chromium-driver): skipped");
    database = TestDatabase.create();
    origin = new MultiHostOrigin(20, 100);
    int[] hazelcast = {TestNode.freePort(), TestNode.freePort()};
    int[] eventBus = {TestNode.freePort(), TestNode.freePort()};
    managementPort = TestNode.freePort();
    for (int i = 0; i < 2; i++) {
      Map<String, String> env = new HashMap<>();
      env.put("FETCHBUS_PG_URL", database);
      env.put("FETCHBUS_ADMIN_KEY", KEY);
      env.put("FETCHBUS_FETCH_ALLOW_NETWORKS", "127.0.0.0/8");
      env.put("FETCHBUS_CLUSTER_MEMBERS", "127.0.0.1:" + hazelcast[0] + ",127.0.0.1:" + hazelcast[1]);
      env.put("FETCHBUS_HAZELCAST_PORT", String.valueOf(hazelcast[i]));
      env.put("FETCHBUS_EVENTBUS_PORT", String.valueOf(eventBus[i]));
      env.put("FETCHBUS_PG_POOL_SIZE", "6");
      if (i == 0) {
        env.put("FETCHBUS_MANAGEMENT_PORT", String.valueOf(managementPort)); // the page needs no key there
      }
      nodes.add(NodeProcess.jar("node" + (i + 1), WORK, TestNode.freePort(), env, "-cluster"));
    }
    nodes.forEach(node -> node.awaitReady(Duration.ofMinutes(3)));
    browser = chrome(chromium.get(), driver.get());
  }

  private static WebDriver chrome(Path chromium, Path driver) throws Exception {
    Path profile = Files.createTempDirectory("fetchbus-chromium");
    ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile()).addArguments("--headless=new",
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--user-data-dir=" + profile, "--window-size=1280,1400");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
        .withLogFile(WORK.resolve("chromedriver.log").toFile()).build();
    return new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    nodes.forEach(NodeProcess::close);
    if (origin != null) {
      origin.close();
    }
    if (database != null) {
      TestDatabase.drop(database);
    }
  }

  @Test
  @DisplayName(
      "lists both nodes, shows figures that change, the job's progress "
          + "reaches 100 %, and its page shows outcomes and slowest hosts")
  void showsTheCluster() throws Exception {
    ApiClient api = ApiClient.of(nodes.get(0).httpPort(), KEY);
    long job = api.submit(IntStream.range(0, 6000).mapToObj(origin::url).toList(), "store=none&hostConcurrency=1")
        .getLong("id"); // about 200 pages/s over 20 hosts: 30 s to watch
    browser.get("http://127.0.0.1:" + managementPort + "/dashboard");

    // read through the page's own DOM in one script each time: it redraws its tables every second
    until(b -> texts("#nodes tr[data-node]", "dataset.node").size() == 2);
    assertThat(Set.copyOf(texts("#nodes tr[data-node]", "dataset.node"))).as("nodes listed on node 1's dashboard")
        .hasSize(2);
    assertThat(texts("#nodeCount", "textContent")).containsExactly("2");

    Set<String> rates = new LinkedHashSet<>();
    Set<String> finished = new LinkedHashSet<>();
    String jobRow = "#jobs tr[data-job='" + job + "']";
    until(b -> {
      rates.addAll(texts("#rate", "textContent"));
      finished.addAll(texts(jobRow + " td:nth-child(2)", "textContent"));
      return rates.size() >= 3 && finished.size() >= 3;
    });
    assertThat(rates).as("pages/s readings seen").hasSizeGreaterThanOrEqualTo(3);
    assertThat(finished).as("the job's finished counts seen").hasSizeGreaterThanOrEqualTo(3);

    until(b -> texts(jobRow + " .percent", "textContent").contains("100.0 %"));
    assertThat(api.awaitState(job, "done", Duration.ofMinutes(1)).getJsonObject("urls").getLong("done"))
        .isEqualTo(6000);
    until(b -> texts(jobRow + " .state", "textContent").contains("done"));

    // the job's own page: its records by outcome, and its slowest hosts
    ((JavascriptExecutor) browser).executeScript("document.querySelector(arguments[0]).click()", jobRow);
    until(b -> texts("#jobOutcomes td", "textContent").contains("6,000"));
    assertThat(texts("#jobOutcomes td", "textContent")).startsWith("ok", "6,000");
    assertThat(texts("#slowHosts tr", "textContent")).as("header and the 5 slowest hosts").hasSize(6);

    screenshot(1280);
    browser.manage().window().setSize(new Dimension(1024, 1400));
    assertThat((Long) ((JavascriptExecutor) browser)
        .executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
        .as("horizontal overflow at 1,024 px").isLessThanOrEqualTo(0L);
  }

  /** A property of every element the selector matches now, read in one script. */
  @SuppressWarnings("unchecked")
  private static List<String> texts(String selector, String property) {
    Object found = ((JavascriptExecutor) browser).executeScript(
        "return [...document.querySelectorAll(arguments[0])].map(e => String(e." + property + ").trim())", selector);
    return (List<String>) found;
  }

  /** Waits (at most 2 minutes, looking every 200 ms) until the page shows what {@code condition} asks. */
  private static void until(Predicate<WebDriver> condition) {
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> condition.test(browser));
  }

  private void screenshot(int width) throws Exception {
    browser.manage().window().setSize(new Dimension(width, 1400));
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.createDirectories(Path.of("docs/img"));
    Files.copy(shot, Path.of("docs/img/dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(shot, WORK.resolve("dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
