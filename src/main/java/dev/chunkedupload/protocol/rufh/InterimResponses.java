package dev.chunkedupload.protocol.rufh;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

/**
 * The 104 (Upload Resumption Supported) interim response.
 */
@Component
class InterimResponses {

	void uploadResumptionSupported(HttpServletRequest request, InteropVersion version, String location, String limit) {
	}

}
