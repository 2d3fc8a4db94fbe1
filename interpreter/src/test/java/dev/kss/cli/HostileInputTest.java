package dev.kss.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kss.Scripts;
import dev.kss.ast.Source;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are not what a script should be (issue 18): odd bytes, endless files, endless lines. */
class HostileInputTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
    int code = Main.execute(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
    return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  private Path file(String name, byte[]... parts) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) b.write(p);
    return Files.write(dir.resolve(name), b.toByteArray());
  }

  private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
    return out;
  }

  private static final byte[] BOM = bytes(0xef, 0xbb, 0xbf);

  @Test void aHugeWholeCountIsRefusedForItsSizeNotAsNotWhole() {
    Scripts.Result r = Scripts.run("big.kss", "machine { cpus 1 }\nrepeat 1000000000000000000 {\n  advance 1 ns\n}\n");
    assertEquals(2, r.exit());
    assertTrue(r.firstErrorLine().startsWith("big.kss:2:8: a repeat count must be at most 9e15"), r.err());
    Scripts.Result half = Scripts.run("half.kss", "machine { cpus 1 }\nrepeat 2.5 {\n  advance 1 ns\n}\n");
    assertTrue(half.firstErrorLine().contains("must be a whole number, not 2.5"), half.err());
  }

  @Test void aByteOrderMarkAtTheStartOfAFileIsSkipped() throws IOException {
    Path ok = file("bom.kss", BOM, utf8("fork a\nexpect 1 == 1\n"));
    Run r = run("run", ok.toString());
    assertEquals(0, r.exit(), r.err());
    // and columns on the first line count from after it
    Path bad = file("bom-error.kss", BOM, utf8("fork a @\n"));
    Run e = run("run", bad.toString());
    assertEquals(2, e.exit());
    assertTrue(e.err().startsWith(bad + ":1:8: unexpected character '@'"), e.err());
  }

  @Test void aFileThatIsNotUtf8IsAnErrorAtItsFirstBadByte() throws IOException {
    Path latin1 = file("latin1.kss", utf8("fork a\nprint \"d"), bytes(0xe9), utf8("j\u00e0 vu\", 1\n"), bytes(0xff), utf8("\n"));
    Run r = run("run", latin1.toString());
    assertEquals(2, r.exit());
    assertEquals(latin1 + ":2:9: not valid UTF-8 (byte 0xE9)\n    print \"d\ufffdj\u00e0 vu\", 1\n            ^\n", r.err());
    assertEquals("", r.out());
  }

  @Test void aTruncatedMultiByteCharacterAtTheEndOfAFileIsNotUtf8() throws IOException {
    Path cut = file("cut.kss", BOM, utf8("fork a # caf"), bytes(0xc3));
    Run r = run("run", cut.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith(cut + ":1:13: not valid UTF-8 (byte 0xC3)\n"), r.err());
  }

  @Test void aModuleThatIsNotUtf8IsAnErrorInTheModule() throws IOException {
    file("module.kss", utf8("policy p extends linux_vmap {\n  # \u00a9 "), bytes(0x80), utf8("\n}\n"));
    Path script = file("main.kss", utf8("use \"module.kss\"\nfork a policy p\n"));
    Run r = run("run", script.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("module.kss:2:7: not valid UTF-8 (byte 0x80)"), r.err());
  }

  @Test void aFileLargerThan64MiBIsRefusedWithoutReadingIt() throws IOException {
    Path big = dir.resolve("big.kss");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) { f.setLength(Source.MAX_BYTES + 1L); } // sparse
    Run r = run("run", big.toString());
    assertEquals(2, r.exit());
    assertEquals("kss: cannot read " + big + ": larger than 64 MiB, the most a script may be\n", r.err());
  }

  @Test void anEndlessFileIsRefusedAfter64MiB() {
    assumeTrue(Files.isReadable(Path.of("/dev/zero")), "no /dev/zero here");
    Run r = run("run", "/dev/zero");
    assertEquals(2, r.exit());
    assertEquals("kss: cannot read /dev/zero: larger than 64 MiB, the most a script may be\n", r.err());
  }

  @Test void aSyntaxErrorOnAMegabyteLineShowsEightyCharactersAroundTheCaret() {
    String left = "1 + ".repeat(125_000), right = " + 1".repeat(125_000); // 1 MB
    Scripts.Result r = Scripts.run("long.kss", "fork a\nprint " + left + "@" + right + "\n");
    assertEquals(2, r.exit());
    String[] lines = r.err().split("\n");
    assertEquals(3, lines.length, r.err());
    assertEquals("long.kss:2:500007: unexpected character '@', expected an expression", lines[0]);
    assertEquals("    ..." + "1 + ".repeat(10) + "@" + " + 1".repeat(10).substring(0, 39) + "...", lines[1]);
    assertEquals("    " + " ".repeat(3 + 40) + "^", lines[2]);
  }

  @Test void theWindowOfALongLineReachesItsEndsWithoutDots() {
    String tail = " + 1".repeat(50);
    Scripts.Result start = Scripts.run("s.kss", "@" + tail + "\n");
    assertEquals("    @" + tail.substring(0, 79) + "...", start.err().split("\n")[1], start.err());
    assertEquals("    ^", start.err().split("\n")[2]);
    Scripts.Result end = Scripts.run("e.kss", "print 1" + tail + " +\n");
    String[] lines = end.err().split("\n");
    assertTrue(lines[0].startsWith("e.kss:1:210: unexpected end of line"), end.err());
    assertEquals("    ..." + ("print 1" + tail + " +").substring(209 - 80), lines[1]);
    assertEquals("    " + " ".repeat(3 + 80) + "^", lines[2]);
  }

  @Test void aMegabyteTokenIsNamedByItsStart() {
    Scripts.Result r = Scripts.run("s.kss", "fork a \"" + "x".repeat(1 << 20) + "\"\n");
    assertEquals(2, r.exit());
    assertTrue(r.err().length() < 400, r.err().length() + " characters on stderr");
    assertTrue(r.err().startsWith("s.kss:1:8: unexpected string \"" + "x".repeat(56) + "..., expected"), r.err().substring(0, 200));
  }
}
