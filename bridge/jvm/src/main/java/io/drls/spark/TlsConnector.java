package io.drls.spark;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to the Node endpoint (options {@code tls=true}, {@code tlsCa}): the connector trusts the CA in
 * {@code tlsCa} and nothing else (not the JVM's default CAs), and checks that the endpoint's
 * certificate names the host it dialled (HTTPS endpoint identification: a DNS name or IP in the
 * subjectAltName). A failed check is an IOException naming the reason; nothing of the protocol,
 * the secret least of all, is sent before the endpoint is verified.
 */
final class TlsConnector {
  private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";
  /** One SSLContext per CA: a task opens a connection or two, an executor many. */
  private static final Map<String, SSLSocketFactory> FACTORIES = new ConcurrentHashMap<>();

  private TlsConnector() {}

  /** Refuses a {@code tlsCa} that holds no usable certificate; the message never quotes it. */
  static void checkCa(String pem) {
    certificates(pem);
  }

  /**
   * Runs the TLS handshake over {@code raw} (connected) as a client, verifying the endpoint, within
   * {@code o.connectTimeoutMs()}. Closes {@code raw} when it fails.
   */
  static SSLSocket handshake(Socket raw, DrlsOptions o, String label) throws IOException {
    try {
      SSLSocket ssl = (SSLSocket) factory(o.tlsCa()).createSocket(raw, o.host(), o.port(), true);
      SSLParameters params = ssl.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      ssl.setSSLParameters(params);
      ssl.setUseClientMode(true);
      // A handshake that gets no answer (an endpoint without TLS waits for a frame) must not hang the task.
      raw.setSoTimeout(o.connectTimeoutMs());
      ssl.startHandshake();
      raw.setSoTimeout(0);
      return ssl;
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw new IOException("cannot open " + label + ": " + explain(e, o), e);
    }
  }

  /** Why a handshake failed, in words a user can act on; the exception's own words in brackets. */
  static String explain(Throwable e, DrlsOptions o) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (c instanceof CertificateExpiredException) {
        return "TLS verification failed: the endpoint's certificate has expired (" + m + ")";
      }
      if (c instanceof CertificateNotYetValidException) {
        return "TLS verification failed: the endpoint's certificate is not valid yet (" + m + ")";
      }
      if (c instanceof CertPathBuilderException || c instanceof CertPathValidatorException
          || m.contains("PKIX path")) {
        return "TLS verification failed: the endpoint's certificate is not trusted (no path to the CA in option"
            + " \"tlsCa\": " + m + ")";
      }
      if (c instanceof CertificateException && (m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
        return "TLS verification failed: host name mismatch, the endpoint's certificate does not name \""
            + o.host() + "\" (" + m + ")";
      }
      if (c instanceof SocketTimeoutException) {
        return "no TLS handshake within " + o.connectTimeoutMs() + " ms (does the endpoint serve TLS?)";
      }
      if (c instanceof EOFException || m.contains("terminated the handshake")) {
        return "the endpoint closed the connection during the TLS handshake (does it serve TLS? is it at its"
            + " connection limit?)";
      }
      if (m.contains("Unsupported or unrecognized SSL message")) {
        return "the endpoint does not speak TLS (it answered in plain text)";
      }
    }
    return (e instanceof SSLException ? "TLS handshake failed: " : "") + e.getMessage();
  }

  private static SSLSocketFactory factory(String caPem) {
    return FACTORIES.computeIfAbsent(caPem, pem -> {
      try {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        List<Certificate> cas = certificates(pem);
        for (int i = 0; i < cas.size(); i++) trusted.setCertificateEntry("drls-ca-" + i, cas.get(i));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context.getSocketFactory();
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("drls: cannot set up TLS trust in the CA of option \"tlsCa\": " + e.getMessage(), e);
      }
    });
  }

  private static List<Certificate> certificates(String pem) {
    if (!pem.contains(PEM_BEGIN)) {
      throw DrlsOptions.invalid("option \"tlsCa\" must be PEM text holding the CA's certificate (" + PEM_BEGIN + ")");
    }
    try {
      Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (parsed.isEmpty()) throw new CertificateException("no certificate found");
      return new ArrayList<>(parsed);
    } catch (CertificateException e) {
      throw DrlsOptions.invalid("option \"tlsCa\" holds no usable PEM certificate: " + e.getMessage());
    }
  }
}
