package dev.kss.js;

import static org.junit.jupiter.api.Assertions.*;

import org.graalvm.polyglot.Source;
import org.junit.jupiter.api.Test;

/** The engine's cached sources: one per policy, so that policies running the same file compile apart. */
class JsEngineTest {
  private static final String TEXT = "export default { alloc(t) { return null; } };";

  @Test void aPolicysSourceIsCachedAndNotSharedWithAnotherPolicy() {
    Source lifo = JsEngine.source("lifo", "numa_lifo.js", TEXT, true);
    assertSame(lifo, JsEngine.source("lifo", "numa_lifo.js", TEXT, true), "the same policy's module is the cached Source");
    Source steal = JsEngine.source("steal", "numa_lifo.js", TEXT, true);
    assertNotEquals(lifo, steal, "another policy running the same file has a Source of its own");
    assertEquals("numa_lifo.js", steal.getName(), "messages still name the file");
    assertEquals(TEXT, steal.getCharacters().toString(), "and its text is the file's, unchanged");
  }

  @Test void thePreludeIsToldFromAModuleByItsUriNotItsName() {
    assertTrue(JsEngine.isPrelude(JsEngine.source("p", JsModule.PRELUDE_NAME, "0", false)));
    assertFalse(JsEngine.isPrelude(JsEngine.source("p", JsModule.PRELUDE_NAME, TEXT, true)), "a module called kss-prelude.js");
  }
}
