// A web call as a site makes one: the camera from getUserMedia, sent through an RTCPeerConnection (to a second one on
// the same page, so no server is needed) and shown as the other side receives it (window.remote).
const local = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
const caller = new RTCPeerConnection();
const callee = new RTCPeerConnection();
caller.onicecandidate = (e) => e.candidate && callee.addIceCandidate(e.candidate);
callee.onicecandidate = (e) => e.candidate && caller.addIceCandidate(e.candidate);
const received = new Promise((resolve) => {
  callee.ontrack = (e) => resolve(new MediaStream([e.track]));
});
for (const track of local.getTracks()) caller.addTrack(track, local);
await caller.setLocalDescription();
await callee.setRemoteDescription(caller.localDescription);
await callee.setLocalDescription();
await caller.setRemoteDescription(callee.localDescription);
const remote = await received;
document.querySelector('video').srcObject = remote;
Object.assign(window, { local, remote });
