package dev.kss.machine.archfixture;

/** A machine class that depends on the interpreter: what ArchitectureTest's rule must refuse. */
public class ReachesTheInterpreter { public dev.kss.run.Options options; }
