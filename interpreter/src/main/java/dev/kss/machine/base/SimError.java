package dev.kss.machine.base;

/**
 * An event the machine cannot carry out because the script asked for something impossible
 * (an event on a dead or sleeping thread, a CPU that does not exist). The interpreter reports it
 * at the event's position, like a static error, with exit code 2.
 */
public final class SimError extends RuntimeException {
  public SimError(String message) {
    super(message, null, false, false);
  }
}
