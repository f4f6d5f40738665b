package dev.chunkedupload.testsupport;

import java.net.URI;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * An S3-compatible server inside the test JVM (S3Proxy over an in-memory store), on a
 * free loopback port, with AWS v4 signatures checked as S3 does.
 */
public final class S3Server implements AutoCloseable {

	public static final String ACCESS_KEY = "test-access-key";

	public static final String SECRET_KEY = "test-secret-key";

	private static S3Server shared;

	private final S3Proxy proxy;

	private S3Server(S3Proxy proxy) {
		this.proxy = proxy;
	}

	/**
	 * One server for every test in this JVM (starting one takes about two seconds); tests
	 * keep apart by using buckets of their own. Stopped when the JVM exits.
	 * @return the running server
	 * @throws Exception if it cannot start
	 */
	public static synchronized S3Server shared() throws Exception {
		if (shared == null) {
			S3Server server = start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					server.close();
				}
				catch (Exception ex) {
					// The JVM is going away.
				}
			}));
			shared = server;
		}
		return shared;
	}

	/**
	 * Start a server with an empty in-memory store.
	 * @return the running server
	 * @throws Exception if it cannot start
	 */
	public static S3Server start() throws Exception {
		Properties properties = new Properties();
		S3Proxy proxy = S3Proxy.builder()
			.blobStore(BlobStores.create("transient-nio2", properties))
			.endpoint(URI.create("http://127.0.0.1:0"))
			.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
			.build();
		proxy.start();
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (!proxy.getState().equals("STARTED")) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
			}
			Thread.sleep(10);
		}
		return new S3Server(proxy);
	}

	/**
	 * Where the server listens.
	 * @return its endpoint
	 */
	public URI endpoint() {
		return URI.create("http://127.0.0.1:" + this.proxy.getPort());
	}

	/**
	 * A client for the test itself, configured as the server's own client is.
	 * @return a client; the caller closes it
	 */
	public S3Client client() {
		return S3Client.builder()
			.endpointOverride(endpoint())
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
			.serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
			.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
			.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
			.httpClient(ApacheHttpClient.create())
			.build();
	}

	@Override
	public void close() throws Exception {
		this.proxy.stop();
	}

}
