package dev.fetchbus.fetch;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.proxy.ProxyConnectException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Maps what the network stack throws to one {@link FetchError}, by type (walking the cause chain). */
public final class FailureClassifier {
  private FailureClassifier() {}

  public static FetchFailure classify(Throwable error) {
    if (error instanceof FetchFailure failure) {
      return failure;
    }
    // Netty wraps a TLS failure in a DecoderException: the precise cause wins over the wrapper
    for (Throwable t = error; t != null && t != t.getCause(); t = t.getCause()) {
      FetchError type = specificType(t);
      if (type != null) {
        String reason = type == FetchError.TLS ? TlsReason.of(error) + ": " : "";
        return new FetchFailure(type, reason + describe(error), error);
      }
    }
    for (Throwable t = error; t != null && t != t.getCause(); t = t.getCause()) {
      FetchError type = genericType(t);
      if (type != null) {
        return new FetchFailure(type, describe(error), error);
      }
    }
    return new FetchFailure(FetchError.IO, describe(error), error);
  }

  private static FetchError specificType(Throwable t) {
    if (t instanceof FetchFailure f) {
      return f.type();
    }
    if (t instanceof UnknownHostException) {
      return FetchError.DNS;
    }
    if (t instanceof SSLException) {
      return FetchError.TLS;
    }
    // a proxy's refusal (407, SOCKS5 login, denied CONNECT) is a ConnectException too: tested before it
    if (t instanceof ProxyConnectException) {
      return FetchError.PROXY;
    }
    // Netty's connect timeout is a ConnectException, so it is tested first
    if (t instanceof TimeoutException || t instanceof ConnectTimeoutException) {
      return FetchError.TIMEOUT;
    }
    if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
      return FetchError.REFUSED;
    }
    return null;
  }

  private static FetchError genericType(Throwable t) {
    if (t instanceof TooLongFrameException || t instanceof DecoderException) {
      return FetchError.PROTOCOL;
    }
    if (t instanceof HttpClosedException || t instanceof StreamResetException || t instanceof ClosedChannelException
        || t instanceof SocketException) {
      return FetchError.RESET;
    }
    return null;
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
