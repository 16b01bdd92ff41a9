"""XOR with a 2-3-2 sigmoid network, trained by glassnet.fit."""
import numpy as np

import glassnet as gn
from glassnet import nn

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
labels = np.array([0, 1, 1, 0])

model = nn.Sequential(nn.Linear(2, 3, generator=0), nn.Sigmoid(), nn.Linear(3, 2, generator=1))
optimizer = gn.optim.SGD(model.parameters(), lr=1.0, momentum=0.9)
history = gn.fit(model, nn.CrossEntropyLoss(), optimizer, X, labels, epochs=1000, batch_size=4,
                 target_loss=0.01, seed=0)
with gn.no_grad():
    predictions = model(X).argmax(axis=1).numpy()
print(f"epochs: {len(history.epoch)}  loss: {history['loss'][-1]:.4f}  accuracy: {history['accuracy'][-1]:.0%}")
print("predictions:", predictions.tolist(), "targets:", labels.tolist())
