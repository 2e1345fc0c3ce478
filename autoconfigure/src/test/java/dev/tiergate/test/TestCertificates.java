package dev.tiergate.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a server certificate for {@code localhost} and
 * {@code 127.0.0.1}, made with the {@code openssl} command, for TLS tests against a real
 * {@code redis-server --tls-port}.
 *
 * @param directory where the files are
 * @param caCertificate the CA certificate (PEM), for a client's trust store
 * @param serverCertificate the server certificate (PEM)
 * @param serverKey the server's private key (PEM)
 */
public record TestCertificates(Path directory, Path caCertificate, Path serverCertificate, Path serverKey) {

	/**
	 * Creates the certificates in a new temporary directory.
	 * @return the certificates
	 * @throws IllegalStateException when {@code openssl} is missing or fails
	 */
	public static TestCertificates create() {
		try {
			Path directory = Files.createTempDirectory("tiergate-tls-");
			Files.writeString(directory.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
			run(directory, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
					"ca.crt", "-days", "2", "-subj", "/CN=tiergate test CA");
			run(directory, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
					"server.csr", "-subj", "/CN=localhost");
			run(directory, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
					"-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.ext");
			return new TestCertificates(directory, directory.resolve("ca.crt"), directory.resolve("server.crt"),
					directory.resolve("server.key"));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot create test certificates: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Returns the {@code redis-server} arguments that open a TLS port with these
	 * certificates, not asking clients for certificates of their own.
	 * @param tlsPort the TLS port
	 * @return the arguments
	 */
	public String[] redisServerArguments(int tlsPort) {
		return new String[] { "--tls-port", Integer.toString(tlsPort), "--tls-cert-file",
				this.serverCertificate.toString(), "--tls-key-file", this.serverKey.toString(), "--tls-ca-cert-file",
				this.caCertificate.toString(), "--tls-auth-clients", "no" };
	}

	private static void run(Path directory, String... command) throws IOException {
		Process process = new ProcessBuilder(List.of(command)).directory(directory.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		try {
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running openssl", ex);
		}
	}

}
