package dev.kss;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.*;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md as rules: no package depends on itself through others; the
 * machine model depends on nothing of kss outside it; the language (AST, parser, checker,
 * interpreter) knows neither the JS bridge nor the REPL nor the CLI, which plug into its ports.
 * Each rule is also run on deliberate violations (test classes under archfixture packages), so a
 * rule that can no longer fail fails here.
 */
class ArchitectureTest {
  static final ArchRule NO_CYCLES = slices().matching("dev.kss.(**)").should().beFreeOfCycles();

  static final ArchRule MACHINE_STANDS_ALONE = noClasses().that().resideInAPackage("dev.kss.machine..")
      .should().dependOnClassesThat(resideInAPackage("dev.kss..").and(not(resideInAPackage("dev.kss.machine.."))))
      .because("the model is driven only through its operations and observed only through its probe");

  static final ArchRule LANGUAGE_BELOW_ITS_FACES = noClasses().that().resideInAnyPackage("dev.kss.ast..", "dev.kss.parse..", "dev.kss.check..", "dev.kss.run..")
      .should().dependOnClassesThat(resideInAnyPackage("dev.kss.js..", "dev.kss.repl..", "dev.kss.cli.."))
      .because("the JS bridge, the REPL and the CLI plug into the language's ports, not the other way round");

  static final ArchRule TRACE_KNOWS_NO_LANGUAGE = noClasses().that().resideInAPackage("dev.kss.trace..")
      .should().dependOnClassesThat(resideInAnyPackage("dev.kss.ast..", "dev.kss.parse..", "dev.kss.check..", "dev.kss.run..",
          "dev.kss.js..", "dev.kss.repl..", "dev.kss.cli.."))
      .because("a trace is read and replayed through the machine's operations alone; the language plugs a replay in");

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.kss");

  @Test void noPackageCycles() { NO_CYCLES.check(MAIN); }

  @Test void theMachineDependsOnNothingOutsideIt() { MACHINE_STANDS_ALONE.check(MAIN); }

  @Test void theLanguageDoesNotDependOnJsReplOrCli() { LANGUAGE_BELOW_ITS_FACES.check(MAIN); }

  @Test void theTraceReplayDependsOnlyOnTheMachine() { TRACE_KNOWS_NO_LANGUAGE.check(MAIN); }

  @Test void eachRuleFailsOnADeliberateViolation() {
    assertTrue(NO_CYCLES.evaluate(imported("dev.kss.archfixture")).hasViolation(), "archfixture.a <-> archfixture.b is a cycle");
    assertTrue(MACHINE_STANDS_ALONE.evaluate(imported("dev.kss.machine.archfixture")).hasViolation(), "a machine class reaching run");
    assertTrue(LANGUAGE_BELOW_ITS_FACES.evaluate(imported("dev.kss.run.archfixture")).hasViolation(), "a run class reaching js");
    assertTrue(TRACE_KNOWS_NO_LANGUAGE.evaluate(imported("dev.kss.trace.archfixture")).hasViolation(), "a trace class reaching run");
  }

  private static JavaClasses imported(String pkg) { return new ClassFileImporter().importPackages(pkg); }
}
