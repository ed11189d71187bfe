package dev.fetchbus.render;

/** A page that could not be rendered: over its deadline ({@code timeout}), or the browser failed. */
public final class RenderFailure extends RuntimeException {
  private final boolean timeout;

  RenderFailure(String message, boolean timeout) {
    super(message, null, false, false);
    this.timeout = timeout;
  }

  public boolean timeout() {
    return timeout;
  }
}
