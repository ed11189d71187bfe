package dev.fetchbus.fetch;

/** A fetch that failed with one type of the {@link FetchError} taxonomy. */
public final class FetchFailure extends RuntimeException {
  private final FetchError type;

  public FetchFailure(FetchError type, String message) {
    super(message, null, false, false);
    this.type = type;
  }

  public FetchFailure(FetchError type, String message, Throwable cause) {
    super(message, cause, false, false);
    this.type = type;
  }

  public FetchError type() {
    return type;
  }
}
