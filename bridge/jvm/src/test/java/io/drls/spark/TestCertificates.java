package io.drls.spark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * CAs and server certificates made at test time with the JDK's own keytool, in a temporary
 * directory: no network, nothing checked in. EC P-256 keys, valid for two days.
 */
final class TestCertificates {
  static final String PASSWORD = "drls-test";

  private final Path dir;

  TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** A self-signed CA kept as {@code <name>.p12}; returns its certificate as PEM. */
  String ca(String name) throws IOException {
    keytool("-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", name, "-dname", "CN=" + name,
        "-validity", "2", "-keystore", name + ".p12", "-storetype", "PKCS12", "-storepass", PASSWORD,
        "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign");
    try {
      Certificate cert = load(name + ".p12").getCertificate(name);
      Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
      String pem = "-----BEGIN CERTIFICATE-----\n" + base64.encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n";
      Files.writeString(dir.resolve(name + ".pem"), pem, StandardCharsets.US_ASCII);
      return pem;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the CA " + name, e);
    }
  }

  /**
   * A server key and a certificate for it issued by the CA {@code ca} (made by {@link #ca}) naming
   * {@code san} (keytool syntax: {@code ip:127.0.0.1}, {@code dns:host}), as a key store for a
   * KeyManagerFactory.
   */
  KeyStore server(String ca, String name, String san) throws IOException {
    String store = name + ".p12";
    keytool("-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", name,
        "-dname", "CN=drls test endpoint", "-validity", "2", "-keystore", store, "-storetype", "PKCS12",
        "-storepass", PASSWORD);
    keytool("-certreq", "-alias", name, "-keystore", store, "-storepass", PASSWORD, "-file", name + ".csr");
    keytool("-gencert", "-alias", ca, "-keystore", ca + ".p12", "-storepass", PASSWORD, "-infile", name + ".csr",
        "-outfile", name + ".pem", "-rfc", "-validity", "2", "-ext", "san=" + san, "-ext", "eku=serverAuth",
        "-ext", "ku:c=digitalSignature");
    try (InputStream issued = Files.newInputStream(dir.resolve(name + ".pem"))) {
      // The key with its issued certificate, then the CA's: the chain the endpoint presents.
      KeyStore ks = load(store);
      Key key = ks.getKey(name, PASSWORD.toCharArray());
      Certificate leaf = CertificateFactory.getInstance("X.509").generateCertificate(issued);
      Certificate root = load(ca + ".p12").getCertificate(ca);
      ks.setKeyEntry(name, key, PASSWORD.toCharArray(), new Certificate[] {leaf, root});
      return ks;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot assemble the key store " + store, e);
    }
  }

  private KeyStore load(String store) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(dir.resolve(store))) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      return ks;
    }
  }

  private void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.add("-J-XX:TieredStopAtLevel=1"); // a short-lived JVM: start fast rather than optimize
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool " + args[0] + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running keytool", e);
    } finally {
      p.destroy();
    }
  }
}
