import { PageHeader } from '../ui/page';

export default function EndpointPage() {
  return <PageHeader title="Endpoint" />;
}
