package dev.kss.ast;

import java.util.List;

/** A parsed file: its statements in order. */
public record Script(Source source, List<Stmt> statements) {}
