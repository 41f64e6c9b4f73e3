"""WeChat Official Account (公众号) channel: signed webhooks, passive replies within WeChat's
5-second window, customer-service messages after it, retries answered once."""
