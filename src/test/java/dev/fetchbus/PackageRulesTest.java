package dev.fetchbus;

import static com.tngtech.archunit.base.DescribedPredicate.or;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The package graph of docs/architecture.md ("Packages and their dependencies"), checked on the
 * compiled classes: no cycles, and each package uses only the packages listed for it here (and
 * libraries). A new edge is a decision: add it here and to the doc, or move the class.
 */
@AnalyzeClasses(packages = "dev.fetchbus", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageRulesTest {
  private static final String BASE = "dev.fetchbus";
  /** How the rules below name the root package {@code dev.fetchbus} itself ({@code NodeVerticle}). */
  private static final String ROOT = "root";

  /**
   * One slice per top-level package, and the root package as a slice of its own: a pattern such as
   * {@code dev.fetchbus.(*)..} leaves root classes out, which once hid a root-cli cycle.
   */
  private static final SliceAssignment TOP_LEVEL = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      String top = topLevel(javaClass);
      return top == null ? SliceIdentifier.ignore() : SliceIdentifier.of(top);
    }

    @Override
    public String getDescription() {
      return "the top-level packages of " + BASE + ", its root package included";
    }
  };

  @ArchTest
  static final ArchRule noCycles = slices().assignedFrom(TOP_LEVEL).should().beFreeOfCycles();

  @ArchTest static final ArchRule config = onlyUses("config");
  @ArchTest static final ArchRule node = onlyUses("node");
  @ArchTest static final ArchRule cache = onlyUses("cache");
  @ArchTest static final ArchRule cpu = onlyUses("cpu");
  @ArchTest static final ArchRule archive = onlyUses("archive");
  @ArchTest static final ArchRule content = onlyUses("content", "cache");
  @ArchTest static final ArchRule extract = onlyUses("extract", "content");
  @ArchTest static final ArchRule store = onlyUses("store", "config", "content", "node");
  @ArchTest static final ArchRule cluster = onlyUses("cluster", "config", "node", "store");
  @ArchTest static final ArchRule metrics = onlyUses("metrics", "cache", "cluster", "config", "node", "store");
  /** Headless Chromium behind an interface ({@code Gate}), so the guard stays in {@code fetch} and no cycle forms. */
  @ArchTest static final ArchRule render = onlyUses("render", "cache", "config");
  @ArchTest static final ArchRule fetch = onlyUses("fetch", "cache", "config", "content", "cpu", "extract", "metrics",
      "node", "render", "store");
  @ArchTest static final ArchRule frontier = onlyUses("frontier", "cache", "cluster", "config", "content", "cpu",
      "extract", "fetch", "metrics", "node", "store");
  @ArchTest static final ArchRule api = onlyUses("api", "archive", "cache", "cluster", "config", "content", "cpu",
      "extract", "fetch", "frontier", "metrics", "node", "store");
  @ArchTest static final ArchRule webhook = onlyUses("webhook", "api", "config", "fetch", "store");
  @ArchTest static final ArchRule bridge = onlyUses("bridge", "config", "node");
  /** The root holds {@code NodeVerticle}, which deploys the verticles of every role. */
  @ArchTest static final ArchRule root = onlyUses(ROOT, "api", "bridge", "cluster", "config", "fetch", "frontier",
      "metrics", "node", "store", "webhook");
  /** The command line and the jar's {@code Main}: the top of the graph, used by nothing of ours. */
  @ArchTest static final ArchRule cli = onlyUses("cli", ROOT, "api", "cluster", "config", "metrics", "node", "store");

  private static final Set<String> RULED = Set.of("config", "node", "cache", "cpu", "archive", "content", "extract",
      "store", "cluster", "metrics", "render", "fetch", "frontier", "api", "webhook", "bridge", ROOT, "cli");

  /** A new top-level package must get a rule (and a row in the doc), or it would go unchecked. */
  @ArchTest
  static void everyPackageHasARule(JavaClasses classes) {
    Set<String> found = classes.stream().map(PackageRulesTest::topLevel).filter(t -> t != null)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(RULED).as("packages with a rule in PackageRulesTest").containsAll(found);
  }

  /** Classes of {@code pkg} depend only on libraries, on {@code pkg} itself and on {@code allowed}. */
  private static ArchRule onlyUses(String pkg, String... allowed) {
    String[] ours = Stream.concat(Stream.of(pkg), Arrays.stream(allowed)).map(PackageRulesTest::pattern)
        .toArray(String[]::new);
    return classes().that().resideInAPackage(pattern(pkg))
        .should().onlyDependOnClassesThat(or(resideOutsideOfPackage(BASE + ".."), resideInAnyPackage(ours)))
        .as(pkg + " uses only " + (allowed.length == 0 ? "libraries" : String.join(", ", allowed)))
        .because("docs/architecture.md, \"Packages and their dependencies\"");
  }

  /** The root is the package itself, not its subpackages; any other name covers its subpackages. */
  private static String pattern(String pkg) {
    return ROOT.equals(pkg) ? BASE : BASE + "." + pkg + "..";
  }

  private static String topLevel(JavaClass javaClass) {
    String pkg = javaClass.getPackageName();
    if (pkg.equals(BASE)) {
      return ROOT;
    }
    if (!pkg.startsWith(BASE + ".")) {
      return null;
    }
    return pkg.substring(BASE.length() + 1).split("\\.")[0];
  }
}
