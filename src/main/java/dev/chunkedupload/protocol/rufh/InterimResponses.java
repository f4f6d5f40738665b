package dev.chunkedupload.protocol.rufh;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.connector.RequestFacade;
import org.apache.coyote.http11.Http11OutputBuffer;
import org.apache.coyote.http11.Http11Processor;
import org.apache.tomcat.util.http.MimeHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * The 104 (Upload Resumption Supported) interim response, which tells a client where its
 * upload lives before it has sent the body, so that a body that breaks off can be
 * resumed.
 * <p>
 * The servlet API sends only 103 ({@code sendEarlyHints}), and Tomcat hard-codes that
 * status in {@code Http11Processor.earlyHints()}. The same steps with 104 are taken here
 * through Tomcat's non-public methods: {@code Http11Processor.writeHeaders(int,
 * MimeHeaders)} (the status line and the given fields only, validated as Tomcat validates
 * a 103's), the output buffer's {@code writeHeaders()} and {@code resetHeaderBuffer()},
 * and then a flush of the socket, which Tomcat's 103 leaves buffered. Nothing of the
 * final response is committed or changed. Only on HTTP/1.1 (a 1xx must not go to an
 * HTTP/1.0 client, and HTTP/2 streams have another processor), only to a client that
 * named the interop version, and only if every method was found when the server started:
 * a Tomcat that moved them turns 104 off, with one log line, and creation works as
 * without it.
 */
@Component
class InterimResponses {

	private static final Logger logger = LoggerFactory.getLogger(InterimResponses.class);

	private static final int UPLOAD_RESUMPTION_SUPPORTED = 104;

	private final Tomcat tomcat = Tomcat.find();

	/**
	 * Send the 104 if this request may have one.
	 * @param request the creation request, before its body is read
	 * @param version the interop version it asked for
	 * @param location the upload's URL
	 * @param limit the upload's {@code Upload-Limit}
	 * @return whether the 104 was sent
	 */
	boolean uploadResumptionSupported(HttpServletRequest request, InteropVersion version, String location,
			String limit) {
		if (this.tomcat == null || request.getHeader(InteropVersion.HEADER) == null
				|| !"HTTP/1.1".equals(request.getProtocol())) {
			return false;
		}
		MimeHeaders headers = new MimeHeaders();
		headers.addValue(HttpHeaders.LOCATION).setString(location);
		headers.addValue(Rufh.UPLOAD_LIMIT).setString(limit);
		headers.addValue(InteropVersion.HEADER).setString(version.number());
		try {
			return this.tomcat.send(request, UPLOAD_RESUMPTION_SUPPORTED, headers);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			logger.info("104 for {} not sent: {}", location, ex.toString());
			return false;
		}
	}

	/** Tomcat's internals that a 1xx takes, found once. */
	private record Tomcat(Field facadeRequest, Field hook, Field outputBuffer, Method writeStatusAndFields,
			Method writeToSocket, Method resetHeaderBuffer) {

		static Tomcat find() {
			try {
				Field facadeRequest = accessible(RequestFacade.class.getDeclaredField("request"));
				Field hook = accessible(org.apache.coyote.Response.class.getDeclaredField("hook"));
				Field outputBuffer = accessible(Http11Processor.class.getDeclaredField("outputBuffer"));
				Method writeStatusAndFields = accessible(
						Http11Processor.class.getDeclaredMethod("writeHeaders", int.class, MimeHeaders.class));
				Method writeToSocket = accessible(Http11OutputBuffer.class.getDeclaredMethod("writeHeaders"));
				Method resetHeaderBuffer = accessible(Http11OutputBuffer.class.getDeclaredMethod("resetHeaderBuffer"));
				return new Tomcat(facadeRequest, hook, outputBuffer, writeStatusAndFields, writeToSocket,
						resetHeaderBuffer);
			}
			catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
				logger.warn("104 (Upload Resumption Supported) is off: this container does not offer it ({})",
						ex.toString());
				return null;
			}
		}

		boolean send(HttpServletRequest request, int status, MimeHeaders headers) throws ReflectiveOperationException {
			ServletRequest unwrapped = request;
			while (unwrapped instanceof ServletRequestWrapper wrapper) {
				unwrapped = wrapper.getRequest();
			}
			if (!(unwrapped instanceof RequestFacade facade)) {
				return false;
			}
			org.apache.catalina.connector.Request connectorRequest = (org.apache.catalina.connector.Request) this.facadeRequest
				.get(facade);
			org.apache.coyote.Response response = connectorRequest.getCoyoteRequest().getResponse();
			if (response.isCommitted() || !(this.hook.get(response) instanceof Http11Processor processor)) {
				return false;
			}
			Http11OutputBuffer buffer = (Http11OutputBuffer) this.outputBuffer.get(processor);
			try {
				this.writeStatusAndFields.invoke(processor, status, headers);
				this.writeToSocket.invoke(buffer);
				this.resetHeaderBuffer.invoke(buffer);
				buffer.flush();
			}
			catch (InvocationTargetException ex) {
				// The client is gone or the fields did not fit: the creation goes on, and
				// its body's end will say what happened.
				logger.debug("104 not sent: {}", ex.getCause().toString());
				return false;
			}
			catch (java.io.IOException ex) {
				logger.debug("104 not flushed: {}", ex.toString());
				return false;
			}
			return true;
		}

		private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
			member.setAccessible(true);
			return member;
		}

	}

}
