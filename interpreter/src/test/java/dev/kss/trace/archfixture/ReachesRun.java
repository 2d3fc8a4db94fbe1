package dev.kss.trace.archfixture;

/** A trace class that depends on the interpreter: what ArchitectureTest's rule must refuse. */
public class ReachesRun { public Object options = dev.kss.run.Options.defaults(); }
