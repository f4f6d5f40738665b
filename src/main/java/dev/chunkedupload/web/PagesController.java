package dev.chunkedupload.web;

import dev.chunkedupload.upload.UploadProperties;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The login page and the two upload pages. Each upload page is a shell: its script talks
 * to the django-chunked-upload endpoints ({@code /}) or to the tus endpoint
 * ({@code /tus}), and to {@code /api/uploads}, with the session and the CSRF token the
 * layout puts in the page.
 */
@Controller
class PagesController {

	private final long chunkSize;

	private final int parallelUploads;

	PagesController(PagesProperties pages, UploadProperties uploads) {
		// A chunk the core would refuse with 413 is of no use to anybody.
		this.chunkSize = Math.min(pages.chunkSize().toBytes(), uploads.maxChunkSize().toBytes());
		this.parallelUploads = pages.parallelUploads();
	}

	@GetMapping("/")
	String upload(Model model) {
		model.addAttribute("chunkSize", this.chunkSize);
		model.addAttribute("chunkSizeText", Sizes.human(this.chunkSize));
		model.addAttribute("parallelUploads", this.parallelUploads);
		return "upload";
	}

	/**
	 * The tus page: tus-js-client sends the files, in chunks of the same size as the
	 * upload page's, optionally in parallel parts joined by the server (concatenation).
	 */
	@GetMapping("/tus")
	String tus(Model model) {
		model.addAttribute("chunkSize", this.chunkSize);
		model.addAttribute("chunkSizeText", Sizes.human(this.chunkSize));
		model.addAttribute("parallelUploads", this.parallelUploads);
		return "tus";
	}

	@GetMapping("/login")
	String login(Authentication authentication) {
		if (authentication != null && authentication.isAuthenticated()
				&& !(authentication instanceof AnonymousAuthenticationToken)) {
			return "redirect:/";
		}
		return "login";
	}

}
