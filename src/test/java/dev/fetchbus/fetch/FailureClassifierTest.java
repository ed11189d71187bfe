package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.proxy.ProxyConnectException;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The failure classifier")
class FailureClassifierTest {

  static Stream<Arguments> byType() {
    return Stream.of(
        Arguments.of(new UnknownHostException("nonexistent.invalid"), FetchError.DNS),
        Arguments.of(new SSLHandshakeException("PKIX path building failed"), FetchError.TLS),
        Arguments.of(new SSLException("bad record"), FetchError.TLS),
        Arguments.of(new DecoderException(new SSLHandshakeException("unknown ca")), FetchError.TLS),
        Arguments.of(new ConnectTimeoutException("connection timed out: /10.0.0.1:80"), FetchError.TIMEOUT),
        Arguments.of(new TimeoutException(), FetchError.TIMEOUT),
        Arguments.of(new NoStackTraceTimeoutException("The timeout period of 15000ms has been exceeded"),
            FetchError.TIMEOUT),
        Arguments.of(new ConnectException("Connection refused"), FetchError.REFUSED),
        Arguments.of(new NoRouteToHostException("No route to host"), FetchError.REFUSED),
        Arguments.of(new HttpClosedException("Connection was closed"), FetchError.RESET),
        Arguments.of(new StreamResetException(8), FetchError.RESET),
        Arguments.of(new ClosedChannelException(), FetchError.RESET),
        Arguments.of(new SocketException("Connection reset"), FetchError.RESET),
        Arguments.of(new TooLongFrameException("HTTP header is larger than 65536 bytes"), FetchError.PROTOCOL),
        Arguments.of(new DecoderException("invalid chunk size"), FetchError.PROTOCOL),
        Arguments.of(new IOException("something else"), FetchError.IO),
        Arguments.of(new IllegalStateException("surprise"), FetchError.IO));
  }

  @ParameterizedTest(name = "{0} is {1}")
  @MethodSource("byType")
  void classifiesByType(Throwable error, FetchError expected) {
    FetchFailure failure = FailureClassifier.classify(error);
    assertThat(failure.type()).isEqualTo(expected);
    assertThat(failure.getCause()).isSameAs(error);
  }

  @Test
  @DisplayName("a Netty connect timeout is a timeout, not refused, although it is a ConnectException")
  void connectTimeoutIsNotRefused() {
    ConnectTimeoutException timeout = new ConnectTimeoutException("connection timed out");
    assertThat(timeout).isInstanceOf(ConnectException.class);
    assertThat(FailureClassifier.classify(timeout).type()).isEqualTo(FetchError.TIMEOUT);
  }

  @Test
  @DisplayName("the precise cause wins over a generic wrapper, wherever it sits in the chain")
  void causeChain() {
    assertThat(FailureClassifier.classify(new DecoderException(new SSLException("handshake"))).type())
        .isEqualTo(FetchError.TLS);
    assertThat(FailureClassifier.classify(
        new VertxException(new DecoderException(new SSLHandshakeException("unknown ca")))).type())
        .isEqualTo(FetchError.TLS);
    assertThat(FailureClassifier.classify(new RuntimeException(new IOException(new UnknownHostException("x")))).type())
        .isEqualTo(FetchError.DNS);
    Throwable resetWrappingRefused =
        new SocketException("wrapper").initCause(new ConnectException("Connection refused"));
    assertThat(FailureClassifier.classify(resetWrappingRefused).type()).isEqualTo(FetchError.REFUSED);
    assertThat(FailureClassifier.classify(new VertxException(new ClosedChannelException())).type())
        .isEqualTo(FetchError.RESET);
  }

  @Test
  @DisplayName("a FetchFailure keeps its own type, alone or wrapped")
  void fetchFailurePassesThrough() {
    FetchFailure blocked = new FetchFailure(FetchError.BLOCKED, "10.0.0.1 is private");
    assertThat(FailureClassifier.classify(blocked)).isSameAs(blocked);
    assertThat(FailureClassifier.classify(new RuntimeException(new FetchFailure(FetchError.REDIRECT_LOOP, "loop")))
        .type()).isEqualTo(FetchError.REDIRECT_LOOP);
  }

  @Test
  @DisplayName("the message names the exception class and its message")
  void message() {
    FetchFailure failure = FailureClassifier.classify(new ConnectException("Connection refused: /127.0.0.1:1"));
    assertThat(failure.getMessage()).contains("ConnectException").contains("Connection refused: /127.0.0.1:1");
  }

  @Test
  @DisplayName(
      "retryable types are exactly timeout, refused, reset, io, an unreadable robots.txt and an unreachable proxy")
  void retryableTypes() {
    assertThat(Stream.of(FetchError.values()).filter(FetchError::retryable))
        .containsExactlyInAnyOrder(FetchError.TIMEOUT, FetchError.REFUSED, FetchError.RESET, FetchError.IO,
            FetchError.ROBOTS_UNAVAILABLE, FetchError.PROXY_UNREACHABLE);
    assertThat(FetchError.retryableStatus(503)).isTrue();
    assertThat(FetchError.retryableStatus(500)).isTrue();
    assertThat(FetchError.retryableStatus(429)).isTrue();
    assertThat(FetchError.retryableStatus(408)).isTrue();
    assertThat(FetchError.retryableStatus(404)).isFalse();
    assertThat(FetchError.retryableStatus(403)).isFalse();
  }

  @Test
  @DisplayName("a proxy's refusal is typed proxy, although Netty's exception is a ConnectException")
  void proxyRefusal() {
    Throwable refused = new ProxyConnectException("socks5, password, auth failed");
    assertThat(refused).isInstanceOf(ConnectException.class);
    assertThat(FailureClassifier.classify(new VertxException(refused)).type()).isEqualTo(FetchError.PROXY);
  }

  @Test
  @DisplayName("a TLS failure's message starts with its reason, found by exception type")
  void tlsReasons() {
    Throwable expired = new SSLHandshakeException("PKIX").initCause(new CertPathValidatorException(
        "validity check failed", new CertificateExpiredException("NotAfter"), null, -1,
        CertPathValidatorException.BasicReason.EXPIRED));
    assertThat(FailureClassifier.classify(expired).getMessage()).startsWith("certificate expired: ");
    Throwable unknownCa = new SSLHandshakeException("PKIX").initCause(
        new CertPathBuilderException("unable to find valid certification path"));
    assertThat(FailureClassifier.classify(unknownCa).getMessage())
        .startsWith("certificate not issued by a trusted CA: ");
    Throwable mismatch = new SSLHandshakeException("no name").initCause(
        new CertificateException("No subject alternative DNS name matching x found."));
    assertThat(FailureClassifier.classify(mismatch).getMessage())
        .startsWith("certificate does not match the host name: ");
    assertThat(FailureClassifier.classify(new SSLException("bad record")).getMessage())
        .startsWith("handshake failed: ");
  }
}
