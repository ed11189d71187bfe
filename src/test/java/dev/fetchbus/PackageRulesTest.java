package dev.fetchbus;

import static com.tngtech.archunit.base.DescribedPredicate.or;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The package graph of docs/architecture.md ("Packages and their dependencies"), checked on the
 * compiled classes: no cycles, and each package uses only the packages listed for it here (and
 * libraries). A new edge is a decision: add it here and to the doc, or move the class.
 */
@AnalyzeClasses(packages = "dev.fetchbus", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageRulesTest {

  @ArchTest
  static final ArchRule noCycles = slices().matching("dev.fetchbus.(*)..").should().beFreeOfCycles();

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
  @ArchTest static final ArchRule fetch = onlyUses("fetch", "cache", "config", "content", "cpu", "extract", "metrics",
      "node", "store");
  @ArchTest static final ArchRule frontier = onlyUses("frontier", "cache", "cluster", "config", "content", "cpu",
      "extract", "fetch", "metrics", "node", "store");
  @ArchTest static final ArchRule api = onlyUses("api", "archive", "cache", "cluster", "config", "content", "cpu",
      "extract", "fetch", "frontier", "metrics", "node", "store");
  @ArchTest static final ArchRule webhook = onlyUses("webhook", "api", "config", "fetch", "store");
  @ArchTest static final ArchRule bridge = onlyUses("bridge", "config", "node");

  /** Classes of {@code pkg} depend only on libraries, on {@code pkg} itself and on {@code allowed}. */
  private static ArchRule onlyUses(String pkg, String... allowed) {
    String[] ours = Stream.concat(Stream.of(pkg), Arrays.stream(allowed)).map(p -> "dev.fetchbus." + p + "..")
        .toArray(String[]::new);
    return classes().that().resideInAPackage("dev.fetchbus." + pkg + "..")
        .should().onlyDependOnClassesThat(or(resideOutsideOfPackage("dev.fetchbus.."), resideInAnyPackage(ours)))
        .as(pkg + " uses only " + (allowed.length == 0 ? "libraries" : String.join(", ", allowed)))
        .because("docs/architecture.md, \"Packages and their dependencies\"");
  }
}
