import os

DATABASE_URL = os.environ["DATABASE_URL"]
STRIPE_KEY = os.environ["STRIPE_SECRET_KEY"]
SENTRY_DSN = os.getenv("SENTRY_DSN")
PORT = int(os.getenv("PORT", "3000"))
TENANT_TOKEN = os.getenv(f"TENANT_{tenant}_TOKEN")
JWT_SECRET = os.environ["JWT_SECRET"]
WEBHOOK_SECRET = "f3Kq9Lm2Xv7Pz4Rt8Wb1Yc6N"
