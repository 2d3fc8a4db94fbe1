package dev.kss.run.archfixture;

/** An interpreter class that depends on the JS bridge: what ArchitectureTest's rule must refuse. */
public class ReachesJs { public Object hooks = dev.kss.js.Js.HOOKS; }
