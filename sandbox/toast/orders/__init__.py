"""Toast Orders v2: create, read, price, pay, discount, deliver and void orders."""
