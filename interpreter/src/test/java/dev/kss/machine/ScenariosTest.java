package dev.kss.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kss.Scripts;
import dev.kss.ast.Source;
import dev.kss.run.Options;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The model's behaviour, one .kss file per policy setting or machine key (src/test/resources/
 * scenarios/{policy,machine}): each states the setting's observable effect with expect lines and
 * runs with the invariant checker after every event.
 */
class ScenariosTest {
  @TestFactory Stream<DynamicTest> everySettingDoesWhatItsScenarioExpects() throws IOException, URISyntaxException {
    Path dir = Path.of(ScenariosTest.class.getResource("/scenarios").toURI());
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".kss")).sorted().toList().stream()
          .map(p -> DynamicTest.dynamicTest(dir.relativize(p).toString(), () -> {
            Source source = Source.read(p, dir.relativize(p).toString());
            Scripts.Result r = Scripts.run(source, dev.kss.js.Js.enable(Options.defaults()).withCheck(true));
            assertEquals(0, r.exit(), r.out() + r.err());
          }));
    }
  }
}
