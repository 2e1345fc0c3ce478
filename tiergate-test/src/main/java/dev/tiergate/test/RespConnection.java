package dev.tiergate.test;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A minimal RESP2 connection over a plain socket. The harness uses it instead of Lettuce
 * where a client library gets in the way: probing a server that is still starting,
 * pausing a server, and sending a command whose reply is read on another thread.
 */
final class RespConnection implements Closeable {

	private final Socket socket;

	private final InputStream input;

	private final OutputStream output;

	private RespConnection(Socket socket) throws IOException {
		this.socket = socket;
		this.input = new BufferedInputStream(socket.getInputStream());
		this.output = new BufferedOutputStream(socket.getOutputStream());
	}

	/**
	 * Connects, and logs in when the endpoint has a password.
	 * @param endpoint the server
	 * @param connectTimeout how long connecting may take
	 * @param readTimeout how long waiting for a reply may take
	 * @return the connection
	 * @throws IOException when the server cannot be reached or refuses the credentials
	 */
	static RespConnection open(RedisEndpoint endpoint, Duration connectTimeout, Duration readTimeout)
			throws IOException {
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) connectTimeout.toMillis());
			socket.setSoTimeout((int) readTimeout.toMillis());
			socket.setTcpNoDelay(true);
			RespConnection connection = new RespConnection(socket);
			String password = endpoint.password();
			if (password != null) {
				String username = endpoint.username();
				if (username != null) {
					connection.command("AUTH", username, password);
				}
				else {
					connection.command("AUTH", password);
				}
			}
			return connection;
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * Sends a command and reads its reply.
	 * @param arguments the command and its arguments
	 * @return the reply: a {@code String} for a status or a bulk string, a {@code Long},
	 * a {@code List} or {@code null}
	 * @throws IOException on a connection failure or an error reply
	 */
	@Nullable Object command(String... arguments) throws IOException {
		send(arguments);
		return read();
	}

	/**
	 * Writes a command without waiting for its reply.
	 * @param arguments the command and its arguments
	 * @throws IOException on a connection failure
	 */
	void send(String... arguments) throws IOException {
		ByteArrayOutputStream request = new ByteArrayOutputStream();
		writeLine(request, "*" + arguments.length);
		for (String argument : arguments) {
			byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
			writeLine(request, "$" + bytes.length);
			request.write(bytes, 0, bytes.length);
			writeLine(request, "");
		}
		request.writeTo(this.output);
		this.output.flush();
	}

	/**
	 * Reads one reply.
	 * @return the reply, as for {@link #command(String...)}
	 * @throws IOException on a connection failure or an error reply
	 */
	@Nullable Object read() throws IOException {
		int type = this.input.read();
		if (type == -1) {
			throw new EOFException("Redis closed the connection");
		}
		String line = readLine();
		switch (type) {
			case '+':
				return line;
			case '-':
				throw new IOException("Redis replied " + line);
			case ':':
				return Long.parseLong(line);
			case '$': {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] bytes = this.input.readNBytes(length);
				if (bytes.length < length) {
					throw new EOFException("Redis closed the connection in the middle of a reply");
				}
				readLine();
				return new String(bytes, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<@Nullable Object> elements = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					elements.add(read());
				}
				return elements;
			}
			default:
				throw new IOException("Not a RESP2 reply: type '" + (char) type + "', then " + line);
		}
	}

	/**
	 * Reads one reply as Redis sent it, without its final CRLF: {@code +OK}, {@code :1},
	 * {@code $-1} for no value, {@code $3\r\nabc} for a bulk string.
	 * @return the raw reply
	 * @throws IOException on a connection failure
	 */
	String readRaw() throws IOException {
		ByteArrayOutputStream raw = new ByteArrayOutputStream();
		readRaw(raw);
		byte[] bytes = raw.toByteArray();
		return new String(bytes, 0, bytes.length - 2, StandardCharsets.UTF_8);
	}

	private void readRaw(ByteArrayOutputStream raw) throws IOException {
		int type = this.input.read();
		if (type == -1) {
			throw new EOFException("Redis closed the connection");
		}
		String line = readLine();
		byte[] header = ((char) type + line + "\r\n").getBytes(StandardCharsets.UTF_8);
		raw.write(header, 0, header.length);
		if (type == '$' && Integer.parseInt(line) >= 0) {
			int length = Integer.parseInt(line) + 2;
			byte[] bytes = this.input.readNBytes(length);
			if (bytes.length < length) {
				throw new EOFException("Redis closed the connection in the middle of a reply");
			}
			raw.write(bytes, 0, bytes.length);
		}
		else if (type == '*') {
			for (int i = 0; i < Integer.parseInt(line); i++) {
				readRaw(raw);
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/**
	 * Returns the version of the server, from {@code INFO server}.
	 * @param endpoint the server
	 * @param timeout how long connecting, and waiting for the reply, may take each
	 * @return the version, for example {@code 7.0.15}
	 * @throws IOException when the server cannot be asked
	 */
	static String serverVersion(RedisEndpoint endpoint, Duration timeout) throws IOException {
		try (RespConnection connection = open(endpoint, timeout, timeout)) {
			Object info = connection.command("INFO", "server");
			if (info instanceof String text) {
				for (String line : text.split("\r?\n")) {
					if (line.startsWith("redis_version:")) {
						return line.substring("redis_version:".length()).strip();
					}
				}
			}
			throw new IOException("No redis_version in the reply to INFO server: " + info);
		}
	}

	/**
	 * Checks that the server answers {@code PING} with {@code PONG}.
	 * @param endpoint the server
	 * @param timeout how long connecting, and waiting for the reply, may take each
	 * @throws IOException when it does not, saying why
	 */
	static void ping(RedisEndpoint endpoint, Duration timeout) throws IOException {
		try (RespConnection connection = open(endpoint, timeout, timeout)) {
			Object reply = connection.command("PING");
			if (!"PONG".equals(reply)) {
				throw new IOException("Redis replied " + reply + " to PING");
			}
		}
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int next = this.input.read();
			if (next == -1) {
				throw new EOFException("Redis closed the connection in the middle of a reply");
			}
			if (previous == '\r' && next == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(next);
			previous = next;
		}
	}

	private static void writeLine(ByteArrayOutputStream target, String line) {
		byte[] bytes = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
		target.write(bytes, 0, bytes.length);
	}

}
