package dev.fetchbus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.api.ApiError;
import dev.fetchbus.api.RouteTable;
import dev.fetchbus.config.ConfigLoader;
import dev.fetchbus.config.JobOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's and docs/configuration.md's tables against the code, both ways, so that a key, an
 * option, a route or an error code added on one side and not the other fails the build (issue #15).
 * Every list is read from the code or conf/fetchbus.json at run time: a new key or option needs a
 * doc row, never an edit here. Reads files only; no network.
 */
@DisplayName("The docs' tables agree with the code")
class DocsAgreeTest {
  private static final Pattern TICKED = Pattern.compile("`([^`]+)`");
  /** Table cells split on pipes that Markdown has not escaped ({@code summary\|jfr}). */
  private static final Pattern CELL = Pattern.compile("(?<!\\\\)\\|");
  private static final Pattern ERROR_CODE = Pattern.compile("[a-z]+(?:_[a-z]+)*");
  private static final Pattern STATUS = Pattern.compile("\\b([1-5]\\d\\d)\\b");

  @Test
  @DisplayName(
      "every leaf key of conf/fetchbus.json has a row in docs/configuration.md "
          + "with its FETCHBUS_ name, and no row names another key")
  void configurationKeys() throws IOException {
    Map<String, String> expected = new TreeMap<>();
    leafKeys(new JsonObject(read("conf/fetchbus.json")), "").forEach(k -> expected.put(k, ConfigLoader.envName(k)));
    Map<String, String> documented = new TreeMap<>();
    for (List<String> row : rows("docs/configuration.md", "key")) {
      String key = ticked(row.get(0)).get(0);
      assertThat(documented.put(key, ticked(row.get(1)).get(0))).as("a second row for " + key).isNull();
    }
    assertThat(difference(expected.keySet(), documented.keySet()))
        .as("keys of conf/fetchbus.json without a row in docs/configuration.md").isEmpty();
    assertThat(difference(documented.keySet(), expected.keySet()))
        .as("rows of docs/configuration.md for keys conf/fetchbus.json does not have").isEmpty();
    assertThat(documented).as("each key's environment variable (ConfigLoader.envName)").isEqualTo(expected);
  }

  @Test
  @DisplayName("the README's table of variables names only real FETCHBUS_ variables")
  void readmeVariables() throws IOException {
    Set<String> real = leafKeys(new JsonObject(read("conf/fetchbus.json")), "").stream()
        .map(ConfigLoader::envName).collect(Collectors.toSet());
    Set<String> listed = rows("README.md", "variable").stream().map(row -> ticked(row.get(0)).get(0))
        .collect(Collectors.toSet());
    assertThat(difference(listed, real)).as("variables in the README's table that are no key's of conf/fetchbus.json")
        .isEmpty();
  }

  @Test
  @DisplayName("docs/configuration.md's per-job options are exactly the options JobOptions accepts")
  void jobOptions() throws Exception {
    Set<String> known = knownJobOptions();
    Set<String> documented = rows("docs/configuration.md", "option").stream()
        .map(row -> ticked(row.get(0)).get(0)).collect(Collectors.toCollection(TreeSet::new));
    assertThat(documented).as("options in docs/configuration.md vs JobOptions' known options")
        .isEqualTo(new TreeSet<>(known));
    // the README names some of them in prose: each must be real
    Set<String> named = ticked(paragraph("README.md", "A job may override")).stream()
        .filter(t -> !t.contains(".")).collect(Collectors.toSet());
    assertThat(named).as("options the README names").isNotEmpty();
    assertThat(known).as("JobOptions' known options").containsAll(named);
  }

  @Test
  @DisplayName("the README's route table lists exactly the operations the router serves")
  void readmeRoutes() throws IOException {
    Set<String> documented = new TreeSet<>();
    for (List<String> row : rows("README.md", "route")) {
      // `GET /v1/fetch?url=...&maxAge=s` is the route GET /v1/fetch; a cell may hold two routes
      ticked(row.get(0)).forEach(route -> documented.add(route.replaceAll("\\?.*", "").strip()));
    }
    Set<String> served = RouteTable.served();
    assertThat(difference(served, documented)).as("operations the router serves that the README's table lacks")
        .isEmpty();
    assertThat(difference(documented, served)).as("routes in the README's table that the router does not serve")
        .isEmpty();
  }

  @Test
  @DisplayName("the README's list of error codes is the API's, each with its status")
  void readmeErrorCodes() throws Exception {
    Map<String, Integer> documented = new TreeMap<>();
    int status = 0;
    // "400 `bad_request`/`invalid_json`, 401 `unauthorized`, ... 429 `too_many_exports`, `too_many_jobs`"
    Matcher m = Pattern.compile(STATUS.pattern() + "|" + TICKED.pattern())
        .matcher(paragraph("README.md", "Errors are JSON"));
    while (m.find()) {
      if (m.group(1) != null) {
        status = Integer.parseInt(m.group(1));
      } else if (ERROR_CODE.matcher(m.group(2)).matches() && status > 0) {
        documented.put(m.group(2), status);
      }
    }
    assertThat(documented).as("the README's error codes and their statuses vs those the API sends")
        .isEqualTo(apiErrorCodes());
  }

  /** JobOptions' set of accepted option names, read by reflection so the class needs no test-only API. */
  @SuppressWarnings("unchecked")
  private static Set<String> knownJobOptions() throws ReflectiveOperationException {
    Field known = JobOptions.class.getDeclaredField("KNOWN");
    known.setAccessible(true);
    return (Set<String>) known.get(null);
  }

  /**
   * The codes the API answers with, and their statuses: ApiError's factories, called; then the codes
   * written as literals in api/ and in metrics/ (whose OpsAccess guards /metrics and /ops on the API port).
   */
  private static Map<String, Integer> apiErrorCodes() throws Exception {
    Map<String, Integer> codes = new TreeMap<>();
    for (Method factory : ApiError.class.getDeclaredMethods()) {
      if (Modifier.isStatic(factory.getModifiers()) && factory.getReturnType() == ApiError.class
          && factory.getParameterCount() == 1 && factory.getParameterTypes()[0] == String.class) {
        ApiError e = (ApiError) factory.invoke(null, "message");
        codes.put(e.code(), e.status());
      }
    }
    Pattern literal = Pattern.compile("new ApiError\\(\\s*(\\d{3}),\\s*\"([a-z_]+)\"");
    Pattern tooMany = Pattern.compile("ApiError\\.tooMany\\(\\s*\"([a-z_]+)\"");
    Pattern refused = Pattern.compile("refuse\\(\\s*\\w+,\\s*(\\d{3}),\\s*\"([a-z_]+)\"");
    for (String source : sources("src/main/java/dev/fetchbus/api", "src/main/java/dev/fetchbus/metrics")) {
      Stream.of(literal, refused).map(p -> p.matcher(source))
          .forEach(found -> found.results().forEach(r -> codes.put(r.group(2), Integer.parseInt(r.group(1)))));
      tooMany.matcher(source).results().forEach(r -> codes.put(r.group(1), 429));
    }
    return codes;
  }

  private static List<String> sources(String... dirs) throws IOException {
    List<String> texts = new ArrayList<>();
    for (String dir : dirs) {
      try (Stream<Path> files = Files.walk(Path.of(dir))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          texts.add(Files.readString(file));
        }
      }
    }
    return texts;
  }

  /** Dotted paths of the values that are not objects: {@code http.port}, {@code tuning.cacheMode}. */
  private static Set<String> leafKeys(JsonObject json, String prefix) {
    Set<String> keys = new TreeSet<>();
    for (String name : json.fieldNames()) {
      Object value = json.getValue(name);
      if (value instanceof JsonObject nested) {
        keys.addAll(leafKeys(nested, prefix + name + "."));
      } else {
        keys.add(prefix + name);
      }
    }
    return keys;
  }

  /**
   * The body rows, as cells, of every Markdown table in {@code file} whose first header cell is
   * {@code firstHeader}. A doc may split one list over several tables (configuration.md does).
   */
  private static List<List<String>> rows(String file, String firstHeader) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : read(file).split("\n")) {
      if (!line.startsWith("|")) {
        inTable = false;
        continue;
      }
      List<String> cells = cells(line);
      if (!inTable) {
        inTable = cells.get(0).equals(firstHeader);
        continue;
      }
      if (!cells.get(0).matches("-+")) {
        rows.add(cells);
      }
    }
    assertThat(rows).as("rows of the tables headed '" + firstHeader + "' in " + file).isNotEmpty();
    return rows;
  }

  private static List<String> cells(String line) {
    String inner = line.strip().replaceAll("^\\|", "").replaceAll("(?<!\\\\)\\|$", "");
    return Stream.of(CELL.split(inner, -1)).map(String::strip).toList();
  }

  /** The paragraph of {@code file} (up to the next blank line) that holds {@code start}, from there on. */
  private static String paragraph(String file, String start) throws IOException {
    String text = read(file);
    int from = text.indexOf(start);
    assertThat(from).as("'" + start + "' in " + file).isNotNegative();
    int to = text.indexOf("\n\n", from);
    return text.substring(from, to < 0 ? text.length() : to);
  }

  private static List<String> ticked(String text) {
    return TICKED.matcher(text).results().map(r -> r.group(1)).toList();
  }

  private static Set<String> difference(Set<String> a, Set<String> b) {
    Set<String> rest = new TreeSet<>(a);
    rest.removeAll(b);
    return rest;
  }

  private static String read(String file) throws IOException {
    return Files.readString(Path.of(file));
  }
}
