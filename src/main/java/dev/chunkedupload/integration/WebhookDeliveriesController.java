package dev.chunkedupload.integration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.chunkedupload.problem.Problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Webhook deliveries for administrators' scripts (the filter chain lets only role ADMIN
 * into {@code /api/admin/**}): counts per status and the newest deliveries, bounded, and
 * a retry of a failed one.
 */
@RestController
@RequestMapping("/api/admin/webhooks/deliveries")
class WebhookDeliveriesController {

	private final WebhookDeliveries deliveries;

	WebhookDeliveriesController(WebhookDeliveries deliveries) {
		this.deliveries = deliveries;
	}

	@GetMapping
	Map<String, Object> list(@RequestParam(required = false) String status,
			@RequestParam(defaultValue = "100") int limit) {
		List<WebhookDelivery> listed = this.deliveries.list(status, limit);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("counts", this.deliveries.counts());
		answer.put("limit", Math.max(1, Math.min(limit, WebhookDeliveries.MAX_LIMIT)));
		answer.put("deliveries", listed);
		return answer;
	}

	@PostMapping("/{id}/retry")
	ResponseEntity<?> retry(@PathVariable long id) {
		if (!this.deliveries.retry(id)) {
			return Problem.of(HttpStatus.NOT_FOUND, "delivery-not-failed", "There is no failed delivery " + id)
				.response();
		}
		return ResponseEntity.accepted().body(Map.of("id", id, "status", "pending"));
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException ex) {
		return Problem.of(HttpStatus.BAD_REQUEST, "invalid-parameter", ex.getMessage()).response();
	}

}
