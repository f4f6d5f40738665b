package dev.chunkedupload.web;

import java.util.List;

import dev.chunkedupload.integration.WebhookDeliveries;
import dev.chunkedupload.integration.WebhookDelivery;

import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Webhook deliveries for administrators (the filter chain lets only role ADMIN in):
 * counts, the pending and failed ones with their last error, and a retry of a failed one.
 * A plain form with the CSRF token and a redirect, as on the uploads page.
 */
@Controller
@RequestMapping("/admin/webhooks")
class AdminWebhooksController {

	static final int ROWS = 100;

	private final WebhookDeliveries deliveries;

	AdminWebhooksController(WebhookDeliveries deliveries) {
		this.deliveries = deliveries;
	}

	@GetMapping
	String list(Model model) {
		List<WebhookDelivery> pending = this.deliveries.list("pending", ROWS);
		List<WebhookDelivery> failed = this.deliveries.list("failed", ROWS);
		model.addAttribute("counts", this.deliveries.counts());
		model.addAttribute("pending", pending);
		model.addAttribute("failed", failed);
		model.addAttribute("rows", ROWS);
		return "admin/webhooks";
	}

	@PostMapping("/{id}/retry")
	String retry(@PathVariable long id, RedirectAttributes redirect) {
		if (this.deliveries.retry(id)) {
			redirect.addFlashAttribute("message", "Delivery " + id + " is pending again and is sent at once.");
		}
		else {
			redirect.addFlashAttribute("error", "There is no failed delivery " + id + ".");
		}
		return "redirect:/admin/webhooks";
	}

	/** The link in the navigation bar, next to the uploads' admin page. */
	@Bean
	static NavLink webhooksLink() {
		return new NavLink("admin-webhooks", "Webhooks", "/admin/webhooks", 110, true);
	}

}
