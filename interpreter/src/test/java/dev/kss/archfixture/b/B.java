package dev.kss.archfixture.b;

/** The other half of the deliberate cycle (ArchitectureTest). */
public class B { public dev.kss.archfixture.a.A a; }
