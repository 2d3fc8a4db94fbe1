package dev.kss.archfixture.a;

/** A deliberate package cycle (a -> b -> a), for ArchitectureTest to see its rule fail. */
public class A { public dev.kss.archfixture.b.B b; }
