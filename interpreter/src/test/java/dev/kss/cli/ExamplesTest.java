package dev.kss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kss.Scripts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every examples/*.kss runs with exit 0: each reproduces its published result. */
class ExamplesTest {
  @TestFactory Stream<DynamicTest> everyExampleHoldsItsExpectations() throws IOException {
    Path root = Scripts.root();
    assumeTrue(root != null && Files.isDirectory(root.resolve("examples")), "no examples/");
    return ConformanceTest.scripts(root.resolve("examples")).stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
      StringBuilder out = new StringBuilder(), err = new StringBuilder();
      assertEquals(0, ConformanceTest.cli(p.toString(), out, err), out + "\n" + err);
    }));
  }
}
