package dev.fetchbus.store;

/** A job's insert found its user with as many jobs queued or running as limits.activeJobs allows. */
public final class TooManyJobs extends RuntimeException {
  private final int limit;

  public TooManyJobs(int limit) {
    super("already " + limit + " jobs queued or running", null, false, false);
    this.limit = limit;
  }

  public int limit() {
    return limit;
  }
}
