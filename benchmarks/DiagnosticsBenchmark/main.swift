// Placeholder: the diagnostics benchmark against scikit-learn is being written.
print("placeholder")
