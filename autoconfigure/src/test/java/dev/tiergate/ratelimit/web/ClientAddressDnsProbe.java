package dev.tiergate.ratelimit.web;

import java.util.List;

import org.springframework.mock.web.MockHttpServletRequest;

/**
 * Run in a child JVM by {@link ClientAddressTests}, whose name service is a hosts file
 * mapping each hop given as an argument to 6.6.6.6: prints the client each hop gives, in
 * every header, so a lookup would show as 6.6.6.6.
 */
public final class ClientAddressDnsProbe {

	private ClientAddressDnsProbe() {
	}

	public static void main(String[] hops) {
		ClientAddress address = new ClientAddress(TrustedProxies.of(List.of("10.0.0.0/8")),
				List.of(ForwardedHeader.FORWARDED, ForwardedHeader.X_FORWARDED_FOR, ForwardedHeader.X_REAL_IP), 64);
		for (String hop : hops) {
			StringBuilder line = new StringBuilder("hop=" + hop + " parse=" + IpAddresses.parse(hop));
			for (String header : List.of("Forwarded", "X-Forwarded-For", "X-Real-IP")) {
				MockHttpServletRequest request = new MockHttpServletRequest();
				request.setRemoteAddr("10.0.0.2");
				request.addHeader(header, header.equals("Forwarded") ? "for=\"" + hop + "\"" : hop);
				line.append(' ').append(header).append('=').append(address.of(ServletClientKeyResolvers.request(request)));
			}
			System.out.println(line);
		}
	}

}
